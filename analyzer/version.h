/* version.h - the one version of callaudit and callstack (they ship together). */
#ifndef CA_VERSION_H
#define CA_VERSION_H

#define CA_VERSION "0.5.0"

#endif
