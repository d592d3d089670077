// A growable float buffer in native memory, 64-byte aligned so packed GEMM panels start on a cache
// line and vector loads never split one. Owned by exactly one object (a GEMM context); freed on
// Dispose or, for owners that are never disposed, by the finalizer. The GC is told of every byte
// (AddMemoryPressure / RemoveMemoryPressure): the managed object is tiny, so without that an owner
// dropped undisposed would never trigger the collection that runs its finalizer. Every live buffer's
// bytes are also counted in LiveBytes, across all buffers of the process, so tests can see what is
// retained.
using System.Runtime.InteropServices;

namespace FastMlp;

internal sealed unsafe class AlignedBuffer : IDisposable
{
    private const nuint Alignment = 64;

    private static long s_liveBytes;

    private float* _pointer;
    private int _capacity;

    ~AlignedBuffer() => Free();

    /// <summary>Native bytes held by all AlignedBuffers of the process right now.</summary>
    public static long LiveBytes => Interlocked.Read(ref s_liveBytes);

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
            Interlocked.Add(ref s_liveBytes, Bytes(length));
            GC.AddMemoryPressure(Bytes(length));
        }
    }

    public void Dispose()
    {
        Free();
        _capacity = -1;
        GC.SuppressFinalize(this);
    }

    private static long Bytes(int length) => (long)length * sizeof(float);

    private void Free()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            Interlocked.Add(ref s_liveBytes, -Bytes(_capacity));
            GC.RemoveMemoryPressure(Bytes(_capacity));
            _pointer = null;
            _capacity = 0;
        }
    }
}
