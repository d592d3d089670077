// A growable float buffer in native memory, 64-byte aligned so packed GEMM panels start on a cache
// line and vector loads never split one. Owned by exactly one object (a GEMM context); freed on
// Dispose or, for thread-static owners that are never disposed, by the finalizer.
using System.Runtime.InteropServices;

namespace FastMlp;

internal sealed unsafe class AlignedBuffer : IDisposable
{
    private const nuint Alignment = 64;

    private float* _pointer;
    private int _capacity;

    ~AlignedBuffer() => Free();

    /// <summary>Start of the buffer; valid until the next <see cref="Ensure"/> that grows it.</summary>
    public float* Pointer => _pointer;

    /// <summary>Grows to hold at least <paramref name="length"/> floats; contents are not preserved.</summary>
    public void Ensure(int length)
    {
        ObjectDisposedException.ThrowIf(_capacity < 0, this);
        if (length > _capacity)
        {
            Free();
            _pointer = (float*)NativeMemory.AlignedAlloc((nuint)length * sizeof(float), Alignment);
            _capacity = length;
        }
    }

    public void Dispose()
    {
        Free();
        _capacity = -1;
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
            _capacity = 0;
        }
    }
}
