/* boot/multiboot2.S: the Multiboot2 header.
 *
 * Contract: GRUB finds this header in the first 32 KiB of kernel.elf,
 * 8-byte aligned, loads the ELF segments at their physical addresses and
 * jumps to _start (boot/entry.S) in 32-bit protected mode with paging off,
 * eax = 0x36D76289 and ebx = the physical address of the boot information.
 * See: Multiboot2 specification, section 3.1 (header layout).
 */
        .set MB2_HEADER_MAGIC, 0xE85250D6
        .set MB2_ARCH_I386,    0
        .set MB2_TAG_END,      0

        .section .multiboot2, "a"
        .balign 8
mb2_header_start:
        .long MB2_HEADER_MAGIC
        .long MB2_ARCH_I386
        .long mb2_header_end - mb2_header_start
        .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))
        /* end tag: type 0, flags 0, size 8 */
        .balign 8
        .short MB2_TAG_END
        .short 0
        .long 8
mb2_header_end:

        .section .note.GNU-stack,"",@progbits
