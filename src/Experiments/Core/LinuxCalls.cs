using System.Runtime.InteropServices;

namespace Homework.Experiments.Core;

/// <summary>
/// The few Linux system calls .NET does not expose, used where they make the harness safer:
/// an atomic exchange of two folders (saving a run) and a signal when the parent process dies
/// (stopping a worker whose <c>dotnet run</c> was killed). Callers fall back gracefully
/// elsewhere, so nothing here is needed for correctness on other systems.
/// </summary>
internal static class LinuxCalls
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;
    private const int PrSetPdeathsig = 1;
    private const int SigTerm = 15;

    /// <summary>
    /// Swaps two paths in one step (<c>renameat2(RENAME_EXCHANGE)</c>, Linux 3.15+): readers see
    /// either the old folder or the new one, never neither. False when the kernel, the C library
    /// or the file system cannot (then the caller falls back to two renames).
    /// </summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            // EINVAL (file system without exchange), ENOSYS (old kernel), EPERM / EOPNOTSUPP (some overlays): fall back.
            if (errno is 22 or 38 or 1 or 95) return false;
            throw new IOException($"Could not exchange {a} and {b}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Asks the kernel to send this process SIGTERM when its parent dies (<c>prctl(PR_SET_PDEATHSIG)</c>).
    /// False where that is not available.
    /// </summary>
    public static bool TerminateWithParent()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return prctl(PrSetPdeathsig, SigTerm, 0, 0, 0) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The parent's process id (<c>getppid</c>), or 0 where that is not available.</summary>
    public static int ParentProcessId()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            return getppid();
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport("libc")]
    private static extern int getppid();
}
