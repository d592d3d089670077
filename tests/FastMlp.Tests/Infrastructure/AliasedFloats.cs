// AliasedFloats: up to int.MaxValue floats (8 GiB of address space) for 10 MiB of memory, so GEMM can
// be driven at the limit of a span on any Linux test machine. The range is cut in 2 MiB chunks: the
// first and the last are private, and every chunk between them maps the same shared chunk (one memfd
// mapped again and again with MAP_FIXED), so in the middle element i and element i + Period are the
// same float. Fill writes value(i) to the private chunks and to the shared chunk as its first alias
// (i = Period + o), which every middle element then reads: a value that depends on i mod Period
// alone in the middle is exact everywhere. Writes through any alias land on the shared chunk, so the
// result of a product of such operands can be checked in full by checking the three chunks. A
// private guard chunk before the range, one after it, and the unused tail of the last chunk hold a
// canary that shows any write out of range.
using System.Runtime.InteropServices;

namespace FastMlp.Tests.Infrastructure;

internal sealed unsafe partial class AliasedFloats : IDisposable
{
    public const int Period = (int)(ChunkBytes / sizeof(float));

    private const long ChunkBytes = 2 << 20;
    private const int ProtNone = 0, ProtReadWrite = 3;
    private const int MapShared = 0x01, MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20, MapNoReserve = 0x4000, MapPopulate = 0x8000;

    /// <summary>A NaN with a payload no arithmetic produces.</summary>
    private static readonly float Canary = BitConverter.Int32BitsToSingle(0x7FC0_DEAD);

    private readonly byte* _reservation;
    private readonly long _chunks;
    private readonly int _memfd = -1;

    public AliasedFloats(int length)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("AliasedFloats maps one memfd many times over (memfd_create, mmap MAP_FIXED): Linux only.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        _chunks = (((long)length * sizeof(float)) + ChunkBytes - 1) / ChunkBytes;

        // Address space for a guard chunk, the range, and a guard chunk, then each chunk mapped over it.
        _reservation = (byte*)Map(null, (_chunks + 2) * ChunkBytes, ProtNone, MapPrivate | MapAnonymous | MapNoReserve, -1);
        MapPrivateChunk(0);
        MapPrivateChunk(1);
        if (_chunks > 2)
        {
            _memfd = memfd_create("FastMlp.Tests.AliasedFloats", 0);
            Check(_memfd >= 0 && ftruncate(_memfd, ChunkBytes) == 0, "memfd_create/ftruncate");
            for (long chunk = 2; chunk < _chunks; chunk++)
            {
                Map(_reservation + (chunk * ChunkBytes), ChunkBytes, ProtReadWrite, MapShared | MapFixed | MapPopulate, _memfd);
            }
        }

        if (_chunks > 1)
        {
            MapPrivateChunk(_chunks);
        }

        MapPrivateChunk(_chunks + 1);
    }

    public int Length { get; }

    public Span<float> Span => new(Element(0), Length);

    /// <summary>Writes value(i) to the private chunks and to the shared chunk as its first alias; the canary everywhere outside the range.</summary>
    public void Fill(Func<long, float> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        new Span<float>(_reservation, Period).Fill(Canary);
        new Span<float>(_reservation + ((_chunks + 1) * ChunkBytes), Period).Fill(Canary);
        foreach (long start in CheckedChunkStarts())
        {
            float* chunk = Element(start);
            for (int o = 0; o < Period; o++)
            {
                chunk[o] = start + o < Length ? value(start + o) : Canary;
            }
        }
    }

    /// <summary>The first element (of the first, shared and last chunks) that differs from expected(i), or -1.</summary>
    public long FirstMismatch(Func<long, float> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        foreach (long start in CheckedChunkStarts())
        {
            float* chunk = Element(start);
            for (int o = 0; o < Period && start + o < Length; o++)
            {
                if (chunk[o] != expected(start + o))
                {
                    return start + o;
                }
            }
        }

        return -1;
    }

    /// <summary>The element at <paramref name="index"/> of the range (the shared chunk's, in the middle).</summary>
    public float this[long index] => *Element(index);

    /// <summary>Whether the guard chunks and the tail of the last chunk still hold only the canary.</summary>
    public bool GuardsIntact()
    {
        long tail = Length - ((_chunks - 1) * Period);
        return IsCanary(new Span<float>(_reservation, Period))
            && IsCanary(new Span<float>(_reservation + ((_chunks + 1) * ChunkBytes), Period))
            && IsCanary(new Span<float>(Element((_chunks - 1) * Period) + tail, (int)(Period - tail)));
    }

    public void Dispose()
    {
        munmap(_reservation, (nuint)((_chunks + 2) * ChunkBytes));
        if (_memfd >= 0)
        {
            close(_memfd);
        }
    }

    private static bool IsCanary(Span<float> values)
    {
        foreach (float v in values)
        {
            if (BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(Canary))
            {
                return false;
            }
        }

        return true;
    }

    private static void* Map(void* address, long bytes, int protection, int flags, int fd)
    {
        void* mapped = mmap(address, (nuint)bytes, protection, flags, fd, 0);
        Check(mapped != (void*)-1, "mmap");
        return mapped;
    }

    private static void Check(bool ok, string call)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{call} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Element i of the range: chunk k of the range is chunk k + 1 of the reservation.</summary>
    private float* Element(long index) => (float*)(_reservation + ChunkBytes) + index;

    /// <summary>Where the first, the shared (the second chunk stands for it) and the last chunk start.</summary>
    private IEnumerable<long> CheckedChunkStarts()
    {
        for (long chunk = 0; chunk < _chunks; chunk++)
        {
            if (chunk < 2 || chunk == _chunks - 1)
            {
                yield return chunk * Period;
            }
        }
    }

    private void MapPrivateChunk(long reservationChunk) =>
        Map(_reservation + (reservationChunk * ChunkBytes), ChunkBytes, ProtReadWrite, MapPrivate | MapAnonymous | MapFixed, -1);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
