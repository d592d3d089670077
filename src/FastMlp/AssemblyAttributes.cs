using System.Runtime.CompilerServices;

// Kernels stackalloc edge tiles on every call and fill them before reading; zeroing them first is waste.
[module: SkipLocalsInit]
