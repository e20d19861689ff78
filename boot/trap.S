/* boot/trap.S: every way into and out of the kernel after boot.
 *
 * Contract, as if in C (selectors: kernel CS 0x08, SS 0x10; user CS 0x1B,
 * DS/ES/SS 0x23, FS 0x33, GS 0x3B; the kernel also runs with DS/ES = 0x23,
 * which is flat, and never uses FS/GS):
 *
 *   void load_gdt(const void* gdtr);            lgdt, far jump to reload CS, reload data segments
 *                                                (FS/GS get the user selectors new threads start with)
 *   void restore_user_context(u32 ctx) noreturn; resume the thread whose saved context
 *                                                (kernel/object/tcb.ts, offsets 0x00-0x37) is at ctx
 *   void idle_wait(void) noreturn;               reset the kernel stack, sti; hlt until an interrupt
 *   sysenter_entry                               SYSENTER_EIP; SYSENTER_ESP = &tss.esp0
 *                                                (Call and ReplyRecv go to the fast path first)
 *   trap_common                                  jumped to by every vector stub (vectors.gen.S)
 *     with [esp] = vector, error code (0 if the CPU pushed none), eip, cs, eflags (, esp, ss)
 *
 * Calls into the kernel (AssemblyScript exports, cdecl):
 *   void Z_kernelZ_handleSyscall(void);          user context saved in the current TCB
 *   void Z_kernelZ_fastpathCall(void);           the same, for SYS_CALL (kernel/fastpath/fastpath.ts;
 *   void Z_kernelZ_fastpathReplyRecv(void);      it hands what it does not take to handleSyscall)
 *   void Z_kernelZ_handleUserTrap(void);         "
 *   void Z_kernelZ_handleKernelTrap(u32 frame);  a trap taken in ring 0; frame has the context
 *                                                layout up to eflags (no esp, ss)
 * Data segments: every entry from ring 3 reloads DS and ES with the flat
 * 0x23 (a user may load the null selector, which faults on real CPUs), and
 * the user gets 0x23 back: user DS/ES are not part of the saved context.
 * FS and GS are neither saved nor loaded here: the scheduler puts the user
 * selectors back on a thread switch (kernel/arch/x86/tls.ts), so the
 * sysenter/sysexit path pays nothing for TLS.
 * Flags in the kernel: all clear but bit 1 (interrupt gates clear IF, TF,
 * NT; the sysenter path clears them itself; cld everywhere). A user's NT
 * would otherwise turn the kernel's next iret into a task switch.
 * The first two never return: the kernel leaves through restore_user_context
 * or idle_wait. There is one kernel stack (boot_stack_top); each entry
 * from user mode starts on an empty one.
 *
 * eflags in a context saved by sysenter have IF clear (sysenter cleared
 * it, and setting it again would cost the hot path an instruction on each
 * side): the sysexit path sets IF with sti, and the kernel's register
 * readers (TCB_ReadRegisters) report IF set, as the thread really runs.
 * A context with any other vector has the CPU's eflags, IF set.
 *
 * User entry saves straight into the current TCB: TSS.esp0 points at the end
 * of its context (ctx + 0x38), so the CPU's pushes and ours fill it in
 * place; the sysenter path loads esp from TSS.esp0 (SYSENTER_ESP points at
 * that field, so the MSR is written once).
 */
#include "machine.gen.h"  /* selectors, CTX_* offsets, EFLAGS_*, VECTOR_SYSCALL, SYSENTER_LENGTH (kernel/arch/x86/machine.def.ts) */
#include "sel4.gen.h"     /* SYS_CALL, SYS_REPLY_RECV (libs/abi/sel4.def.ts): the fast path's two system calls */

/* The kernel runs with only the always-one bit of EFLAGS: IF, TF, NT, AC, DF clear. */
#define EFLAGS_KERNEL EFLAGS_RESERVED1

/* The general registers in the order of kernel/object/tcb.ts (edi lowest,
 * offset 0x00; eax highest, 0x18), below vector and error. */
        .macro PUSH_REGISTERS
        push    %eax
        push    %ecx
        push    %edx
        push    %ebx
        push    %ebp
        push    %esi
        push    %edi
        .endm
        .macro POP_REGISTERS
        pop     %edi
        pop     %esi
        pop     %ebp
        pop     %ebx
        pop     %edx
        pop     %ecx
        pop     %eax
        .endm

/* Completes a user context in the TCB (after the CPU's or the sysenter
 * stub's part of the frame), then reloads DS/ES with the flat selector.
 * Uses ecx after saving it. */
        .macro SAVE_USER_REGISTERS
        PUSH_REGISTERS
        mov     $SEL_USER_DS, %ecx          /* the user may have loaded anything into DS/ES */
        mov     %ecx, %ds
        mov     %ecx, %es
        .endm

        .text

        .globl load_gdt
        .type load_gdt, @function
load_gdt:
        mov     4(%esp), %eax
        lgdt    (%eax)
        ljmp    $SEL_KERNEL_CS, $1f
1:      mov     $SEL_USER_DS, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     $SEL_USER_FS, %ax           /* what every thread starts with (seL4 ia32); */
        mov     %ax, %fs
        mov     $SEL_USER_GS, %ax           /* the scheduler keeps them (kernel/arch/x86/tls.ts) */
        mov     %ax, %gs
        mov     $SEL_KERNEL_SS, %ax
        mov     %ax, %ss
        ret

        .globl sysenter_entry
        .type sysenter_entry, @function
sysenter_entry:
        mov     (%esp), %esp            /* TSS.esp0: the end of the current TCB's context */
sysenter_after_first:
        push    $SEL_USER_DS            /* ss */
        push    %ecx                    /* esp: the caller's stack (seL4 ia32 ABI) */
        pushfl                          /* IF clear (sysenter cleared it): see "eflags" above */
        push    $SEL_USER_CS            /* cs */
        push    %edx                    /* the address of the caller's sysenter instruction (seL4 ia32 ABI) */
        addl    $SYSENTER_LENGTH, (%esp) /* eip: resume after it (a restart goes back as far) */
        push    $0                      /* error */
        push    $VECTOR_SYSCALL         /* vector */
        SAVE_USER_REGISTERS
        mov     $boot_stack_top, %esp
        pushl   $EFLAGS_KERNEL          /* sysenter keeps the user's TF, NT, AC, DF: clear them */
        popfl
        xor     %ebp, %ebp              /* ends kernel backtraces */
        cmp     $SYS_CALL, %eax         /* eax: the system call number, still as the user left it */
        je      1f
        cmp     $SYS_REPLY_RECV, %eax
        je      2f
        call    Z_kernelZ_handleSyscall
        ud2
1:      call    Z_kernelZ_fastpathCall  /* kernel/fastpath/fastpath.ts: falls back to handleSyscall itself */
        ud2
2:      call    Z_kernelZ_fastpathReplyRecv
        ud2

/* A #DB at sysenter_entry (or after its first instruction) means the user
 * executed sysenter with EFLAGS.TF set: sysenter does not clear TF. The
 * CPU pushed its 12-byte frame on whatever esp was: the 64-byte pad below
 * TSS.esp0 (kernel/arch/x86/gdt.ts), or the TCB context slots the stub is
 * about to overwrite. Clear TF in that frame and resume the stub; nothing
 * else is touched. Reached from vector_1 (build/vectors.ts) with
 * [esp] = eip, cs, eflags of the trap. */
        .globl debug_trap_fixup
        .type debug_trap_fixup, @function
debug_trap_fixup:
        cmpl    $sysenter_entry, (%esp)
        je      2f
        cmpl    $sysenter_after_first, (%esp)
        jne     1f
2:      andl    $~EFLAGS_TF, 8(%esp)
        iret
1:      push    $0
        push    $1
        jmp     trap_common

        .globl trap_common
        .type trap_common, @function
trap_common:
        testb   $3, 12(%esp)            /* the interrupted CS: ring 3? */
        jz      trap_from_kernel
        SAVE_USER_REGISTERS             /* into the TCB, like the sysenter path */
        mov     $boot_stack_top, %esp
        xor     %ebp, %ebp
        cld
        call    Z_kernelZ_handleUserTrap
        ud2
trap_from_kernel:
        PUSH_REGISTERS                  /* a frame on the current kernel stack */
        mov     %esp, %eax
        cld
        push    %eax
        call    Z_kernelZ_handleKernelTrap
        add     $4, %esp
        POP_REGISTERS
        add     $8, %esp                /* vector, error */
        iret

        .globl restore_user_context
        .type restore_user_context, @function
restore_user_context:
        mov     4(%esp), %esp           /* esp = ctx */
        cmpl    $VECTOR_SYSCALL, CTX_VECTOR(%esp)
        je      1f
        POP_REGISTERS                   /* entered by an interrupt or fault: iret */
        add     $8, %esp
        iret
1:      pop     %edi                    /* entered by sysenter: sysexit */
        pop     %esi
        pop     %ebp
        pop     %ebx
        add     $8, %esp                /* edx, ecx: recomputed below */
        pop     %eax
        add     $8, %esp                /* vector, error: now [esp] = eip, cs, eflags, esp, ss */
        mov     (%esp), %edx            /* sysexit: eip = edx */
        mov     12(%esp), %ecx          /* sysexit: esp = ecx */
        pushl   8(%esp)                 /* the user's eflags; IF is clear in a sysenter context */
        popfl
        sti                             /* takes effect after sysexit */
        sysexit

        .globl idle_wait
        .type idle_wait, @function
idle_wait:
        mov     $boot_stack_top, %esp
        xor     %ebp, %ebp
        sti
1:      hlt
        jmp     1b

        .section .note.GNU-stack,"",@progbits
