/* Test helper for scripts/windows/wine-test.sh: holds a file the way Excel
 * and WPS hold the workbook they show, so that gongshi.exe meets the same
 * refusal from Windows (here: from Wine).
 *
 *   hold.exe share FILE READY   opens FILE sharing nothing (reads by others
 *                               fail with ERROR_SHARING_VIOLATION, 32)
 *   hold.exe lock FILE READY    opens FILE and locks all of it with
 *                               LockFileEx (reads by others fail with
 *                               ERROR_LOCK_VIOLATION, 33; gongshi's own
 *                               build lock is such a lock)
 *
 * Once FILE is held it writes its Windows process id into READY, then
 * waits until READY is removed (at most two minutes) and lets go. Exit code 0, or 2 when FILE could
 * not be opened or locked. */
#include <windows.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 4)
        return 3;
    int lock = wcscmp(argv[1], L"lock") == 0;
    DWORD share = lock ? FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE : 0;
    HANDLE file = CreateFileW(argv[2], GENERIC_READ | GENERIC_WRITE, share, NULL, OPEN_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return 2;
    if (lock) {
        OVERLAPPED at = {0};
        if (!LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD, MAXDWORD, &at))
            return 2;
    }
    HANDLE ready = CreateFileW(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (ready == INVALID_HANDLE_VALUE)
        return 2;
    char pid[16];
    DWORD n = (DWORD)wsprintfA(pid, "%lu\n", GetCurrentProcessId()), written;
    WriteFile(ready, pid, n, &written, NULL);
    CloseHandle(ready);
    for (int i = 0; i < 1200 && GetFileAttributesW(argv[3]) != INVALID_FILE_ATTRIBUTES; i++)
        Sleep(100);
    CloseHandle(file);
    return 0;
}
