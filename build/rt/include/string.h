/* string.h: freestanding stand-in. The functions are defined in
 * build/rt/kernel-rt.c (native) and come from libc in the Linux harness. */
#ifndef TSOS_STRING_H
#define TSOS_STRING_H
#include <stddef.h>
void* memcpy(void* restrict dst, const void* restrict src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
#endif
