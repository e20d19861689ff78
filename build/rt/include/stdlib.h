/* stdlib.h: freestanding stand-in; nothing in generated code needs it. */
#ifndef TSOS_STDLIB_H
#define TSOS_STDLIB_H
#include <stddef.h>
#endif
