/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 does
 * not have. Rust's standard library imports ProcessPrng from it for random
 * numbers (HashMap keys and the like); this DLL answers with RtlGenRandom
 * (advapi32's SystemFunction036), which Wine has. scripts/windows/wine-test.sh
 * builds it with mingw and puts it beside gongshi.exe in its Wine test
 * folder only. Never shipped: Windows 10 and later have the real DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
