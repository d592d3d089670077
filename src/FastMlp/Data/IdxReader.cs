// Reads one IDX file of unsigned bytes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"):
//   magic: 0x00 0x00 <type> <dimension count>      type 0x08 = unsigned byte, the only one accepted
//   dimension count × uint32, big-endian           every dimension ≥ 1
//   the data, row-major, 1 byte per value          exactly the product of the dimensions
// gzip is detected by its magic 1F 8B, so plain and .gz files read the same way.
//
// Never trusts the header with memory: the element count is checked against Array.MaxLength one
// dimension at a time (no overflow possible), then against the bytes left when the stream's length is
// known (a plain seekable stream: nothing is allocated for a file too short); otherwise (gzip, pipes) the
// data is read in chunks into a buffer that grows only as bytes arrive, so a lying header costs at most
// twice the bytes really present plus one chunk. Every problem, truncation and corrupt gzip included,
// becomes a DataFormatException naming the file; nothing partial is ever returned.
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FastMlp;

internal sealed class IdxReader : IDisposable
{
    private const byte UnsignedByteType = 0x08;
    private const int FirstChunk = 1 << 16;

    private readonly string _name;
    private readonly Stream _stream;
    private readonly GZipStream? _gzip;

    public IdxReader(Stream stream, string name)
    {
        _name = name;
        Span<byte> magic = stackalloc byte[2];
        long start = stream.CanSeek ? stream.Position : -1;
        int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        IsGzip = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;

        Stream source;
        if (start >= 0)
        {
            stream.Position = start;
            source = stream;
        }
        else
        {
            source = new PrefixedStream(magic[..read].ToArray(), read, stream);
        }

        if (IsGzip)
        {
            _gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            _stream = _gzip;
        }
        else
        {
            _stream = source;
        }
    }

    /// <summary>Whether the file is gzip-compressed.</summary>
    public bool IsGzip { get; }

    /// <summary>The bytes left in the (uncompressed) stream when known without reading them; −1 otherwise.</summary>
    private long KnownRemaining => !IsGzip && _stream.CanSeek ? _stream.Length - _stream.Position : -1;

    /// <summary>Reads the header, requiring unsigned bytes and <paramref name="dimensionNames"/>.Length dimensions.</summary>
    /// <param name="dimensionNames">What each dimension is, for messages: ["count", "rows", "columns"].</param>
    /// <param name="what">What the file should hold, for messages: "images", "labels".</param>
    /// <returns>The dimensions; each is at least 1 and their product at most <see cref="Array.MaxLength"/>.</returns>
    public int[] ReadHeader(string[] dimensionNames, string what)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = Read(magic);
        if (read == 0)
        {
            throw Error("is empty; an IDX file starts with a 4-byte magic number.");
        }

        if (read < magic.Length)
        {
            throw Error($"is truncated: it ends after {read} of the 4 bytes of the IDX magic number.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Error($"has a bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: an IDX file starts with two zero bytes, then the data type and the number of dimensions (0x{UnsignedByteType:X2}{dimensionNames.Length:X2} for {what}).");
        }

        if (magic[2] != UnsignedByteType)
        {
            throw Error($"has a bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: data type 0x{magic[2]:X2} ({TypeName(magic[2])}) is not supported; only unsigned bytes (0x08) are.");
        }

        if (magic[3] != dimensionNames.Length)
        {
            throw Error($"has a bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: {magic[3]} dimensions, but {what} need {dimensionNames.Length} ({string.Join(", ", dimensionNames)}).");
        }

        Span<byte> raw = stackalloc byte[4 * dimensionNames.Length];
        read = Read(raw);
        if (read < raw.Length)
        {
            throw Error($"is truncated: it ends inside the header, after {read} of the {raw.Length} bytes of its {dimensionNames.Length} dimensions.");
        }

        var dimensions = new int[dimensionNames.Length];
        long product = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(raw[(4 * i)..]);
            if (d == 0)
            {
                throw Error($"has a zero dimension: {dimensionNames[i]} (dimension {i}) is 0.");
            }

            // product ≤ Array.MaxLength before and after, so neither this division nor the product overflows.
            if (d > Array.MaxLength / product)
            {
                throw Error($"has dimensions {Describe(raw, dimensionNames.Length)}: more values than an array can hold ({Array.MaxLength}).");
            }

            product *= d;
            dimensions[i] = (int)d;
        }

        return dimensions;
    }

    /// <summary>Reads exactly <paramref name="count"/> data bytes, then requires the end of the file.</summary>
    /// <param name="count">The product of the dimensions (≤ <see cref="Array.MaxLength"/>).</param>
    /// <param name="dimensions">For messages.</param>
    public byte[] ReadData(int count, int[] dimensions)
    {
        string shape = string.Join(" × ", dimensions);
        long remaining = KnownRemaining;
        if (remaining >= 0)
        {
            if (remaining < count)
            {
                throw Error($"is truncated: its header describes {count} bytes of data ({shape}) but only {remaining} follow.");
            }

            if (remaining > count)
            {
                throw Error($"has {remaining - count} bytes after the {count} bytes of data its header describes ({shape}).");
            }

            var all = new byte[count];
            int got = Read(all);
            if (got < count)
            {
                throw Error($"is truncated: its header describes {count} bytes of data ({shape}) but it ends after {got}.");
            }

            return all;
        }

        // Unknown length: grow as data arrives; a header that lies costs only what really arrives.
        byte[] data = new byte[Math.Min(count, FirstChunk)];
        int filled = 0;
        while (true)
        {
            int n = Read(data.AsSpan(filled));
            filled += n;
            if (filled == count)
            {
                break;
            }

            if (filled < data.Length)
            {
                throw Error($"is truncated: its header describes {count} bytes of data ({shape}) but it ends after {filled}.");
            }

            Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
        }

        Span<byte> probe = stackalloc byte[1];
        if (Read(probe) != 0)
        {
            throw Error($"has more bytes after the {count} bytes of data its header describes ({shape}).");
        }

        return data;
    }

    public void Dispose() => _gzip?.Dispose();

    /// <summary>Fills as much of <paramref name="buffer"/> as the stream has; a short count means the end.</summary>
    private int Read(Span<byte> buffer)
    {
        try
        {
            return _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // Corrupt deflate data, a bad gzip header, or a CRC/length trailer that does not match.
            throw Error($"is not a valid gzip stream: {e.Message}", e);
        }
    }

    private DataFormatException Error(string problem, Exception? inner = null) => new(_name, problem, innerException: inner);

    private static string Describe(ReadOnlySpan<byte> raw, int count)
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(i == 0 ? string.Empty : " × ").Append(BinaryPrimitives.ReadUInt32BigEndian(raw[(4 * i)..]).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };
}
