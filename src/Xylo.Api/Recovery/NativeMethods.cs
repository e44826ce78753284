using System.Runtime.InteropServices;

namespace Xylo.Api.Recovery;

/// <summary>fsync of a directory, which .NET's file APIs cannot open.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);
}
