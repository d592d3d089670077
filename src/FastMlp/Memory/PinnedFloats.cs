// A float buffer on the pinned object heap whose usable part starts on a 64-byte boundary: exposed
// to users as a Span (Network.Parameters, Trainer.Gradients) and to kernels as a stable pointer.
// Pinned, so the pointer stays valid for the object's life; garbage-collected, so nobody disposes it.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal sealed unsafe class PinnedFloats
{
    private readonly float[] _storage;
    private readonly int _offset;

    public PinnedFloats(int length)
    {
        _storage = GC.AllocateArray<float>(length + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
        Length = length;
    }

    public int Length { get; }

    public Span<float> Span => _storage.AsSpan(_offset, Length);

    public float* Pointer => (float*)Unsafe.AsPointer(ref _storage[_offset]);
}
