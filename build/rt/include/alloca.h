/* alloca.h: freestanding stand-in over the compiler builtin. */
#ifndef TSOS_ALLOCA_H
#define TSOS_ALLOCA_H
#define alloca __builtin_alloca
#endif
