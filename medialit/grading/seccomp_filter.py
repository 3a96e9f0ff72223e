"""The seccomp filter of the grading sandbox, written as BPF to stdout for ``bwrap --seccomp FD``.

    /usr/bin/python3 -I seccomp_filter.py > filter.bpf

Run by a Python that has libseccomp's own binding (Debian's ``python3-seccomp``, for the system
Python; scripts/setup installs it), not by the course's virtual environment: the binding is part of
libseccomp and is compiled against the system's Python. So this file imports nothing of medialit.
sandbox.py runs it once per grading process and hands the program to every kernel's bubblewrap.

In the spirit of Docker's default profile: the calls a notebook never needs and that widen the
kernel's reach (other processes' memory, mounts and namespaces, the kernel keyring, BPF, kernel
modules, the clock, swap, reboot, io_uring) fail with EPERM; everything else is allowed (the jail's
read-only binds, namespaces, rlimits and unprivileged user do the rest). Other architectures' system
call tables (32-bit x86, x32) kill the process: the filter only knows this machine's.
"""
import errno
import sys

import seccomp

# Denied outright (EPERM). Names this kernel or architecture does not have are skipped.
DENIED = (
    # other processes' memory and execution
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    # mounts, the root and namespaces (clone with namespace flags below)
    "mount", "umount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "open_by_handle_at", "name_to_handle_at",
    # the kernel keyring, BPF, faults and performance counters (sources of kernel exploits)
    "keyctl", "add_key", "request_key", "bpf", "userfaultfd", "perf_event_open",
    # io_uring bypasses most of the above's checks (Docker denies it since 2023)
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    # kernel modules, kexec, reboot, swap, accounting, quotas, the system log
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "lookup_dcookie", "nfsservctl",
    # the clock and raw I/O ports
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm",
    # obsolete calls with a history of holes
    "uselib", "vm86", "vm86old",
)
# clone(2)'s flags that make a new namespace (sched.h); clone with any of them fails.
NAMESPACE_FLAGS = {
    "CLONE_NEWTIME": 0x00000080, "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000, "CLONE_NEWNET": 0x40000000,
}
# ioctls that push input into a terminal (the kernel has none, --new-session aside: defence in depth).
DENIED_IOCTLS = {"TIOCSTI": 0x5412, "TIOCLINUX": 0x541C}


def build() -> seccomp.SyscallFilter:
    """The filter: allow by default, deny the calls above."""
    deny = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(deny, name)
        except (RuntimeError, ValueError):  # not a system call on this architecture or kernel
            continue
    for flag in NAMESPACE_FLAGS.values():
        rules.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes glibc fall back to
    # clone (as Docker's profile does), whose flags the rules above see.
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for request in DENIED_IOCTLS.values():
        rules.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
    return rules


if __name__ == "__main__":
    build().export_bpf(sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout)
