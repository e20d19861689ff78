/* setjmp.h: freestanding stand-in. Exceptions are not enabled, so wasm2c's
 * unwind targets are never used. */
#ifndef TSOS_SETJMP_H
#define TSOS_SETJMP_H
#endif
