using System.Buffers.Binary;
using System.Text;

namespace FastMlp.Peers.Peers;

/// <summary>
/// Lets TorchSharp 0.107's <c>libLibTorchSharp.so</c> load on Debian 12. It was linked against GCC 13's libstdc++
/// and asks for the symbol version GLIBCXX_3.4.32, which Debian 12's libstdc++ (up to 3.4.30) does not define, so
/// the loader refuses it and TorchSharp reports a misleading "doesn't contain a reference to libtorch-cpu-linux-x64".
/// The only symbol of that version is <c>_ZSt21ios_base_library_initv</c> (GCC 13's iostream initialiser), and no
/// relocation uses it. This patch marks such a version requirement weak (VER_FLG_WEAK in its Vernaux entry): the
/// loader then accepts the library when the version is missing. It patches only a requirement that (1) names a
/// version the system library really lacks and (2) no relocation of the file refers to: a symbol the code calls
/// can never be left unbound by it. It edits the copy under the build output, never the NuGet cache.
/// ELF64 little-endian only (x86-64 and arm64 Linux); anything else is left alone.
/// </summary>
internal static class ElfVersionPatch
{
    private const uint ShtRela = 4;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>
    /// Weakens the requirements of <paramref name="library"/> on versions of <paramref name="dependency"/> (a file
    /// name like "libstdc++.so.6") that <paramref name="installed"/>, the copy the loader will pick, does not define.
    /// Returns what it did, for the peer's detail line; idempotent (a second call finds nothing left to weaken).
    /// </summary>
    public static string WeakenMissingVersions(string library, string dependency, string installed)
    {
        byte[] image = File.ReadAllBytes(library);
        if (!IsElf64LittleEndian(image))
        {
            return $"{Path.GetFileName(library)} is not ELF64 little-endian; left alone";
        }

        HashSet<string> defined = DefinedVersions(File.ReadAllBytes(installed));
        Section[] sections = Sections(image);
        var weakened = new List<string>();
        var refused = new List<string>();
        foreach (Requirement r in Requirements(image, sections).Where(r => r.File == dependency && !defined.Contains(r.Version)))
        {
            if ((r.Flags & VerFlagWeak) != 0)
            {
                weakened.Add($"{r.Version} (already weak)");
                continue;
            }

            List<string> relocated = RelocatedSymbols(image, sections, r.Index);
            if (relocated.Count > 0)
            {
                refused.Add($"{r.Version} (used by relocations of {string.Join(", ", relocated)})");
                continue;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(r.FlagsOffset), (ushort)(r.Flags | VerFlagWeak));
            weakened.Add($"{r.Version} (symbols {string.Join(", ", Symbols(image, sections, r.Index))})");
        }

        if (weakened.Any(w => !w.EndsWith("(already weak)", StringComparison.Ordinal)))
        {
            // Write beside it and rename, so a crash mid-write never leaves a torn library.
            string temporary = library + ".patching";
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, library, overwrite: true);
        }

        string[] parts =
        [
            .. weakened.Count > 0 ? [$"weak: {string.Join("; ", weakened)}"] : Array.Empty<string>(),
            .. refused.Count > 0 ? [$"not weakened: {string.Join("; ", refused)}"] : Array.Empty<string>(),
        ];
        return parts.Length == 0 ? $"no {dependency} version missing" : string.Join("; ", parts);
    }

    private static bool IsElf64LittleEndian(byte[] image) =>
        image.Length > 64 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F' && image[4] == 2 && image[5] == 1;

    private readonly record struct Section(uint Type, long Offset, long Size, int Link, long EntrySize);

    private readonly record struct Requirement(string File, string Version, ushort Index, ushort Flags, int FlagsOffset);

    private static Section[] Sections(byte[] image)
    {
        ReadOnlySpan<byte> d = image;
        long tableOffset = (long)U64(d, 0x28);
        int entrySize = U16(d, 0x3A);
        int count = U16(d, 0x3C);
        var sections = new Section[count];
        for (int i = 0; i < count; i++)
        {
            int s = checked((int)(tableOffset + ((long)i * entrySize)));
            sections[i] = new Section(U32(d, s + 4), (long)U64(d, s + 24), (long)U64(d, s + 32), (int)U32(d, s + 40), (long)U64(d, s + 56));
        }

        return sections;
    }

    /// <summary>Every Vernaux entry of .gnu.version_r: which file, which version, its index in .gnu.version.</summary>
    private static List<Requirement> Requirements(byte[] image, Section[] sections)
    {
        var requirements = new List<Requirement>();
        foreach (Section verneed in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            long strings = sections[verneed.Link].Offset;
            int entry = checked((int)verneed.Offset);
            while (true)
            {
                int auxCount = U16(image, entry + 2);
                string file = CString(image, strings + U32(image, entry + 4));
                int aux = entry + (int)U32(image, entry + 8);
                for (int i = 0; i < auxCount; i++)
                {
                    requirements.Add(new Requirement(file, CString(image, strings + U32(image, aux + 8)),
                        U16(image, aux + 6), U16(image, aux + 4), aux + 4));
                    aux += (int)U32(image, aux + 12);
                }

                uint next = U32(image, entry + 12);
                if (next == 0)
                {
                    break;
                }

                entry += (int)next;
            }
        }

        return requirements;
    }

    /// <summary>The version names a shared library defines (.gnu.version_d).</summary>
    private static HashSet<string> DefinedVersions(byte[] image)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Section[] sections = Sections(image);
        foreach (Section verdef in sections.Where(s => s.Type == ShtGnuVerdef))
        {
            long strings = sections[verdef.Link].Offset;
            int entry = checked((int)verdef.Offset);
            while (true)
            {
                int aux = entry + (int)U32(image, entry + 12);
                names.Add(CString(image, strings + U32(image, aux)));
                uint next = U32(image, entry + 16);
                if (next == 0)
                {
                    break;
                }

                entry += (int)next;
            }
        }

        return names;
    }

    /// <summary>Indices into .dynsym of the symbols whose .gnu.version entry is <paramref name="versionIndex"/>.</summary>
    private static IEnumerable<int> SymbolIndices(byte[] image, Section[] sections, ushort versionIndex)
    {
        foreach (Section versym in sections.Where(s => s.Type == ShtGnuVersym))
        {
            for (int i = 0; i < versym.Size / 2; i++)
            {
                if ((U16(image, checked((int)(versym.Offset + (2L * i)))) & 0x7fff) == versionIndex)
                {
                    yield return i;
                }
            }
        }
    }

    private static List<string> Symbols(byte[] image, Section[] sections, ushort versionIndex) =>
        [.. SymbolIndices(image, sections, versionIndex).Select(i => SymbolName(image, sections, i))];

    /// <summary>The symbols of that version that some relocation section (.rela.dyn, .rela.plt) refers to.</summary>
    private static List<string> RelocatedSymbols(byte[] image, Section[] sections, ushort versionIndex)
    {
        HashSet<int> versioned = [.. SymbolIndices(image, sections, versionIndex)];
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Section rela in sections.Where(s => s.Type == ShtRela && sections[s.Link].Type == ShtDynsym))
        {
            for (long at = rela.Offset; at < rela.Offset + rela.Size; at += rela.EntrySize)
            {
                int symbol = (int)(U64(image, checked((int)at + 8)) >> 32);
                if (versioned.Contains(symbol))
                {
                    used.Add(SymbolName(image, sections, symbol));
                }
            }
        }

        return [.. used];
    }

    private static string SymbolName(byte[] image, Section[] sections, int index)
    {
        Section dynsym = sections.First(s => s.Type == ShtDynsym);
        long entry = dynsym.Offset + (index * dynsym.EntrySize);
        return CString(image, sections[dynsym.Link].Offset + U32(image, checked((int)entry)));
    }

    private static string CString(byte[] image, long offset)
    {
        int start = checked((int)offset);
        int end = Array.IndexOf(image, (byte)0, start);
        return Encoding.ASCII.GetString(image, start, end - start);
    }

    private static ushort U16(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt16LittleEndian(d[at..]);

    private static uint U32(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt32LittleEndian(d[at..]);

    private static ulong U64(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt64LittleEndian(d[at..]);
}
