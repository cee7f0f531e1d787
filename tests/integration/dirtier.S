/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A multiboot kernel (QEMU's -kernel, or <kernel> in a libvirt guest) that writes a word into
 * every page from 4 MiB to 8 MiB of its memory, again and again, for ever: 4 MiB dirtied many
 * times a second even under TCG, for a live migration that cannot converge. */
    .set MAGIC, 0x1BADB002
    .set FLAGS, 0

    .text
    .code32
    .align 4
    .long MAGIC                 /* the multiboot header: in the first 8 KiB of the file */
    .long FLAGS
    .long -(MAGIC + FLAGS)

    .globl _start
_start:
    cli
    xorl %eax, %eax
1:  incl %eax                   /* a new value each pass, so no page stays as it was */
    movl $0x400000, %edi
2:  movl %eax, (%edi)
    addl $4096, %edi
    cmpl $0x800000, %edi
    jb 2b
    jmp 1b
