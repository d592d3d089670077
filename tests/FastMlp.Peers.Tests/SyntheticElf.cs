using System.Buffers.Binary;
using System.Text;

namespace FastMlp.Peers.Tests;

/// <summary>
/// Minimal ELF64 little-endian shared objects, built byte by byte, holding only what the dynamic loader's version
/// check and <see cref="Peers.ElfVersionPatch"/> read: .dynstr, .dynsym, .gnu.version, .gnu.version_r (the versions a
/// library requires), .gnu.version_d (the versions a library defines) and .rela.dyn. Symbol 0 is the null symbol.
/// </summary>
internal static class SyntheticElf
{
    /// <summary>A version the library requires from <paramref name="File"/>; its index in .gnu.version is 2, 3, ... in order.</summary>
    public sealed record Requirement(string File, string Version, ushort Flags = 0);

    /// <summary>A dynamic symbol bound to the requirement at <paramref name="RequirementIndex"/> (0-based); relocated or not.</summary>
    public sealed record Symbol(string Name, int RequirementIndex, bool Relocated);

    /// <summary>A library requiring <paramref name="requirements"/> with <paramref name="symbols"/> bound to them.</summary>
    public static byte[] Requiring(Requirement[] requirements, Symbol[] symbols)
    {
        var strings = new StringTable();
        byte[] dynsym = new byte[24 * (symbols.Length + 1)];
        byte[] versym = new byte[2 * (symbols.Length + 1)];
        var relocations = new List<byte>();
        for (int i = 0; i < symbols.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(dynsym.AsSpan(24 * (i + 1)), strings.Add(symbols[i].Name));
            BinaryPrimitives.WriteUInt16LittleEndian(versym.AsSpan(2 * (i + 1)), (ushort)(symbols[i].RequirementIndex + 2));
            if (symbols[i].Relocated)
            {
                byte[] rela = new byte[24];
                BinaryPrimitives.WriteUInt64LittleEndian(rela.AsSpan(8), ((ulong)(i + 1) << 32) | 6);
                relocations.AddRange(rela);
            }
        }

        // One Verneed per file, each followed by its Vernaux entries.
        var verneed = new List<byte>();
        string[] files = [.. requirements.Select(r => r.File).Distinct()];
        for (int f = 0; f < files.Length; f++)
        {
            Requirement[] mine = [.. requirements.Where(r => r.File == files[f])];
            int size = 16 + (16 * mine.Length);
            byte[] entry = new byte[size];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(2), (ushort)mine.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), strings.Add(files[f]));
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), 16);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), f == files.Length - 1 ? 0u : (uint)size);
            for (int a = 0; a < mine.Length; a++)
            {
                Span<byte> aux = entry.AsSpan(16 + (16 * a));
                BinaryPrimitives.WriteUInt16LittleEndian(aux[4..], mine[a].Flags);
                BinaryPrimitives.WriteUInt16LittleEndian(aux[6..], (ushort)(Array.IndexOf(requirements, mine[a]) + 2));
                BinaryPrimitives.WriteUInt32LittleEndian(aux[8..], strings.Add(mine[a].Version));
                BinaryPrimitives.WriteUInt32LittleEndian(aux[12..], a == mine.Length - 1 ? 0u : 16u);
            }

            verneed.AddRange(entry);
        }

        return Assemble(strings,
        [
            (11u, dynsym, 1, 24),
            (0x6fffffffu, versym, 0, 2),
            (0x6ffffffeu, [.. verneed], 1, 0),
            (4u, [.. relocations], 2, 24),
        ]);
    }

    /// <summary>A library defining <paramref name="versions"/> (.gnu.version_d), as an installed libstdc++ does.</summary>
    public static byte[] Defining(params string[] versions)
    {
        var strings = new StringTable();
        var verdef = new List<byte>();
        for (int v = 0; v < versions.Length; v++)
        {
            byte[] entry = new byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(4), (ushort)(v + 2));
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(6), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), 20);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(16), v == versions.Length - 1 ? 0u : 28u);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(20), strings.Add(versions[v]));
            verdef.AddRange(entry);
        }

        return Assemble(strings, [(0x6ffffffdu, [.. verdef], 1, 0)]);
    }

    /// <summary>Header, then section 1 = .dynstr, then the given sections (link = section index), then the section table.</summary>
    private static byte[] Assemble(StringTable strings, (uint Type, byte[] Data, int Link, int EntrySize)[] sections)
    {
        var body = new List<byte>(new byte[64]);
        var offsets = new List<(uint Type, long Offset, long Size, int Link, int EntrySize)> { (0, 0, 0, 0, 0) };
        byte[] stringBytes = strings.ToArray();
        offsets.Add((3, body.Count, stringBytes.Length, 0, 0));
        body.AddRange(stringBytes);
        foreach ((uint type, byte[] data, int link, int entrySize) in sections)
        {
            while (body.Count % 8 != 0)
            {
                body.Add(0);
            }

            offsets.Add((type, body.Count, data.Length, link, entrySize));
            body.AddRange(data);
        }

        while (body.Count % 8 != 0)
        {
            body.Add(0);
        }

        long tableOffset = body.Count;
        foreach ((uint type, long offset, long size, int link, int entrySize) in offsets)
        {
            byte[] header = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), type);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(32), (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)link);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(56), (ulong)entrySize);
            body.AddRange(header);
        }

        byte[] image = [.. body];
        "\u007fELF"u8.CopyTo(image);
        image[4] = 2; // ELFCLASS64
        image[5] = 1; // ELFDATA2LSB
        image[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x28), (ulong)tableOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x3C), (ushort)offsets.Count);
        return image;
    }

    private sealed class StringTable
    {
        private readonly List<byte> _bytes = [0];

        public uint Add(string text)
        {
            uint offset = (uint)_bytes.Count;
            _bytes.AddRange(Encoding.ASCII.GetBytes(text));
            _bytes.Add(0);
            return offset;
        }

        public byte[] ToArray() => [.. _bytes];
    }
}
