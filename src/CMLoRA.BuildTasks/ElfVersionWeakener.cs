#nullable enable
// Marks chosen symbol-version requirements of an ELF shared library as weak (VER_FLG_WEAK),
// so the dynamic loader accepts a system library that lacks that version.
//
// Why: libLibTorchSharp.so 0.107.0 asks for GLIBCXX_3.4.32 (GCC 13) only for a symbol it never
// relocates against; Debian 12 ships GLIBCXX_3.4.30, so loading fails although nothing is missing.
// The build runs this on the copy in the build output only, never on the NuGet cache.
//
// Written for netstandard2.0, which inline tasks compile against.
// This file is compiled twice: as an MSBuild inline task (Directory.Build.targets) and, with
// ELF_WEAKENER_NO_TASK defined, into the tests, which exercise the pure patching logic.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CMLoRA.BuildTasks
{
    public static class ElfVersionWeakener
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>Names of the version requirements found in the file, with their weak flag.</summary>
        public static List<KeyValuePair<string, bool>> ListRequirements(byte[] elf)
        {
            var result = new List<KeyValuePair<string, bool>>();
            Walk(elf, (name, flagsOffset) =>
                result.Add(new KeyValuePair<string, bool>(name, (ReadU16(elf, flagsOffset) & VerFlagWeak) != 0)));
            return result;
        }

        /// <summary>Sets VER_FLG_WEAK on every requirement named <paramref name="version"/>; returns how many changed.</summary>
        public static int MarkWeak(byte[] elf, string version)
        {
            int changed = 0;
            Walk(elf, (name, flagsOffset) =>
            {
                if (name != version) return;
                ushort flags = ReadU16(elf, flagsOffset);
                if ((flags & VerFlagWeak) != 0) return;
                WriteU16(elf, flagsOffset, (ushort)(flags | VerFlagWeak));
                changed++;
            });
            return changed;
        }

        /// <summary>True when the file holds the version definition string (e.g. a libstdc++ providing GLIBCXX_3.4.32).</summary>
        public static bool ProvidesVersion(byte[] library, string version)
        {
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 0; i + needle.Length <= library.Length; i++)
            {
                if (library[i] != needle[0]) continue;
                if (i > 0 && library[i - 1] != 0) continue; // must start a string-table entry
                bool match = true;
                for (int j = 1; j < needle.Length && match; j++) match = library[i + j] == needle[j];
                if (match) return true;
            }
            return false;
        }

        /// <summary>Patches a file in place (write to a temporary file, then rename, so hard links are never modified).</summary>
        public static int PatchFile(string path, string version)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int changed = MarkWeak(bytes, version);
            if (changed == 0) return 0;
            string temporary = path + ".weakening";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(path); // unlink first: a hard-linked original elsewhere stays untouched
            File.Move(temporary, path);
            return changed;
        }

        private static void Walk(byte[] elf, Action<string, int> onRequirement)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");

            long sectionTable = (long)ReadU64(elf, 0x28);
            int entrySize = ReadU16(elf, 0x3A);
            int count = ReadU16(elf, 0x3C);
            if (entrySize < 64 || sectionTable <= 0 || sectionTable + (long)entrySize * count > elf.Length)
                throw new InvalidDataException("section header table outside the file");

            for (int s = 0; s < count; s++)
            {
                int header = checked((int)(sectionTable + (long)s * entrySize));
                if (ReadU32(elf, header + 4) != ShtGnuVerneed) continue;
                int offset = checked((int)ReadU64(elf, header + 0x18));
                int size = checked((int)ReadU64(elf, header + 0x20));
                int link = (int)ReadU32(elf, header + 0x28);
                int entries = (int)ReadU32(elf, header + 0x2C);
                if (offset < 0 || offset + size > elf.Length || link >= count)
                    throw new InvalidDataException(".gnu.version_r outside the file");
                int strings = checked((int)ReadU64(elf, checked((int)(sectionTable + (long)link * entrySize)) + 0x18));

                int need = offset;
                for (int n = 0; n < entries; n++)
                {
                    int auxCount = ReadU16(elf, need + 2);
                    int aux = need + (int)ReadU32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        if (aux < offset || aux + 16 > offset + size)
                            throw new InvalidDataException("version requirement outside .gnu.version_r");
                        string name = ReadCString(elf, strings + (int)ReadU32(elf, aux + 8));
                        onRequirement(name, aux + 4);
                        uint nextAux = ReadU32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += (int)nextAux;
                    }
                    uint next = ReadU32(elf, need + 12);
                    if (next == 0) break;
                    need += (int)next;
                }
            }
        }

        private static string ReadCString(byte[] bytes, int start)
        {
            if (start < 0 || start >= bytes.Length) throw new InvalidDataException("string offset outside the file");
            int end = Array.IndexOf(bytes, (byte)0, start);
            if (end < 0) throw new InvalidDataException("unterminated string");
            return Encoding.ASCII.GetString(bytes, start, end - start);
        }

        private static ushort ReadU16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
        private static uint ReadU32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        private static ulong ReadU64(byte[] b, int o) => ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32;
        private static void WriteU16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    }

#if !ELF_WEAKENER_NO_TASK
    /// <summary>MSBuild task: weakens <see cref="Version"/> in each library when the system libstdc++ lacks it.</summary>
    public class WeakenMissingLibstdcxxVersion : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        private static readonly string[] LibstdcxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) || Libraries.Length == 0) return true;
            string? system = Array.Find(LibstdcxxCandidates, File.Exists);
            if (system != null && ElfVersionWeakener.ProvidesVersion(File.ReadAllBytes(system), Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0} provides {1}; nothing to patch", system, Version);
                return true;
            }
            foreach (var item in Libraries)
            {
                int changed = ElfVersionWeakener.PatchFile(item.ItemSpec, Version);
                if (changed > 0)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        "Marked {0} weak in {1} (system libstdc++ lacks it)", Version, item.ItemSpec);
            }
            return true;
        }
    }
#endif
}
