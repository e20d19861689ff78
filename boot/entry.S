/* boot/entry.S: the first instructions, from GRUB to kmain.
 *
 * Contract, as if in C:
 *   void _start(u32 magic = eax, u32 mbi_phys = ebx) __attribute__((noreturn));
 *   - checks magic == 0x36D76289 (Multiboot2); otherwise prints
 *     "BOOT FAILED: not started by a Multiboot2 loader" on COM1 and VGA, halts;
 *   - checks CPUID exists and leaf 1 edx has PSE(3) TSC(4) APIC(9) SEP(11) PGE(13)
 *     FXSR(24) SSE(25) SSE2(26) (user programs compute with SSE2; the
 *     kernel switches their state with fxsave/fxrstor); otherwise prints
 *     "BOOT FAILED: CPU lacks" and the missing feature names, halts;
 *   - builds boot_page_directory: KERNEL_WINDOW_PDES 4 MiB PSE pages mapping
 *     physical 0 up at KERNEL_VBASE (global) and physical 0..4 MiB at 0 (for
 *     the jump only);
 *   - turns on CR4.PSE|PGE and CR0.PG|WP, jumps to the higher half,
 *     switches to boot_stack and calls kernel_start(mbi_phys) (build/rt/kernel-rt.c).
 * Runs with paging off until the jump, so every symbol is used as
 * (symbol - KERNEL_VBASE), its physical address.
 */
#include "machine.gen.h"  /* KERNEL_VBASE, page sizes, PDE flags, COM1, VGA (kernel/arch/x86/machine.def.ts) */

        .set FEATURES,       (1 << 3) | (1 << 4) | (1 << 9) | (1 << 11) | (1 << 13) | (1 << 24) | (1 << 25) | (1 << 26)

#define PHYS(sym) ((sym) - KERNEL_VBASE)

        .section .boot.text, "ax"
        .code32
        .globl _start
        .type _start, @function
_start:
        cli
        cld
        mov     $PHYS(boot_stack_top), %esp     /* a physical stack for the checks */
        mov     %eax, %esi
        mov     %ebx, %edi                      /* edi = mbi_phys, kept to the end */
        call    early_serial_init

        cmp     $MULTIBOOT2_BOOTLOADER_MAGIC, %esi
        je      1f
        mov     $PHYS(msg_bad_magic), %esi
        call    early_print
        jmp     early_halt
1:
        /* CPUID present: the ID bit (21) in EFLAGS must be writable. */
        pushfl
        pop     %eax
        mov     %eax, %ecx
        xor     $EFLAGS_ID, %eax
        push    %eax
        popfl
        pushfl
        pop     %eax
        push    %ecx
        popfl
        xor     %ecx, %eax
        jnz     2f
        mov     $PHYS(msg_no_cpuid), %esi
        call    early_print
        jmp     early_halt
2:
        mov     $1, %eax
        cpuid
        mov     %edx, %ebx
        and     $FEATURES, %ebx
        cmp     $FEATURES, %ebx
        je      features_ok
        /* Name every missing feature: ebx = the present subset. */
        mov     $PHYS(msg_cpu), %esi
        call    early_print
        mov     $PHYS(feature_table), %ebp
3:      mov     (%ebp), %eax                    /* bit mask, 0 ends the table */
        test    %eax, %eax
        jz      4f
        test    %eax, %ebx
        jnz     5f
        mov     4(%ebp), %esi
        call    early_print
5:      add     $8, %ebp
        jmp     3b
4:      mov     $PHYS(msg_newline), %esi
        call    early_print
        jmp     early_halt

features_ok:
        /* Page directory: the kernel window and a temporary identity map. */
        mov     $PHYS(boot_page_directory), %edx
        mov     $PDE_4M_IDENTITY, %eax
        mov     %eax, (%edx)
        lea     (KERNEL_VBASE >> 22) * 4(%edx), %ebx
        mov     $PDE_4M_KERNEL, %eax
        mov     $KERNEL_WINDOW_PDES, %ecx
6:      mov     %eax, (%ebx)
        add     $LARGE_PAGE_SIZE, %eax
        add     $4, %ebx
        loop    6b

        mov     %cr4, %eax
        or      $((1 << 4) | (1 << 7)), %eax    /* CR4.PSE | CR4.PGE */
        mov     %eax, %cr4
        mov     %edx, %cr3
        mov     %cr0, %eax
        or      $((1 << 31) | (1 << 16)), %eax  /* CR0.PG | CR0.WP */
        mov     %eax, %cr0
        lea     higher_half, %eax
        jmp     *%eax

        .text
higher_half:
        mov     $boot_stack_top, %esp
        xor     %ebp, %ebp                      /* ends backtraces */
        push    %edi
        call    kernel_start
7:      cli
        hlt
        jmp     7b

        .section .boot.text, "ax"
/* early_serial_init: COM1 at 115200 8N1, FIFO on. Clobbers eax, edx. */
early_serial_init:
        mov     $COM1_BASE + 1, %dx
        xor     %al, %al
        out     %al, %dx                        /* no interrupts */
        mov     $COM1_BASE + 3, %dx
        mov     $0x80, %al
        out     %al, %dx                        /* DLAB on */
        mov     $COM1_BASE + 0, %dx
        mov     $1, %al
        out     %al, %dx                        /* divisor 1: 115200 baud */
        mov     $COM1_BASE + 1, %dx
        xor     %al, %al
        out     %al, %dx
        mov     $COM1_BASE + 3, %dx
        mov     $0x03, %al
        out     %al, %dx                        /* 8N1, DLAB off */
        mov     $COM1_BASE + 2, %dx
        mov     $0xC7, %al
        out     %al, %dx                        /* FIFO on, cleared */
        mov     $COM1_BASE + 4, %dx
        mov     $0x0B, %al
        out     %al, %dx                        /* DTR, RTS, OUT2 */
        ret

/* early_print(esi = physical address of a NUL-terminated string): to COM1
 * and to VGA row 0 onward (white on red). Clobbers eax, ecx, edx, esi. */
early_print:
        push    %edi
        mov     PHYS(early_vga_pos), %edi
8:      movzbl  (%esi), %eax
        test    %al, %al
        jz      11f
        mov     %eax, %ecx
        mov     $COM1_BASE + 5, %dx
9:      in      %dx, %al                        /* wait for THR empty */
        test    $0x20, %al
        jz      9b
        mov     $COM1_BASE, %dx
        mov     %ecx, %eax
        out     %al, %dx
        cmp     $10, %cl
        je      10f
        mov     $0x4F00, %eax
        or      %ecx, %eax
        mov     %ax, VGA_TEXT_PHYS(,%edi,2)
        inc     %edi
        inc     %esi
        jmp     8b
10:     mov     %edi, %eax                      /* newline: next 80-column row */
        xor     %edx, %edx
        mov     $80, %ecx
        div     %ecx
        sub     %edx, %edi
        add     $80, %edi
        inc     %esi
        jmp     8b
11:     mov     %edi, PHYS(early_vga_pos)
        pop     %edi
        ret

early_halt:
        cli
        hlt
        jmp     early_halt

        .section .boot.rodata, "a"
msg_bad_magic:  .asciz "BOOT FAILED: not started by a Multiboot2 loader (bad magic in eax)\n"
msg_no_cpuid:   .asciz "BOOT FAILED: CPU has no CPUID instruction\n"
msg_cpu:        .asciz "BOOT FAILED: CPU lacks required features:"
msg_newline:    .asciz "\n"
msg_pse:        .asciz " PSE"
msg_tsc:        .asciz " TSC"
msg_apic:       .asciz " APIC"
msg_sep:        .asciz " SEP"
msg_pge:        .asciz " PGE"
msg_fxsr:       .asciz " FXSR"
msg_sse:        .asciz " SSE"
msg_sse2:       .asciz " SSE2"
        .balign 4
feature_table:
        .long 1 << 3,  PHYS(msg_pse)
        .long 1 << 4,  PHYS(msg_tsc)
        .long 1 << 9,  PHYS(msg_apic)
        .long 1 << 11, PHYS(msg_sep)
        .long 1 << 13, PHYS(msg_pge)
        .long 1 << 24, PHYS(msg_fxsr)
        .long 1 << 25, PHYS(msg_sse)
        .long 1 << 26, PHYS(msg_sse2)
        .long 0, 0

        .section .boot.data, "aw"
        .balign 4
early_vga_pos:  .long 0

        .section .bss
        .balign PAGE_SIZE
        .globl boot_page_directory
boot_page_directory:
        .skip PAGE_SIZE
        .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
        .skip KERNEL_STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack,"",@progbits
