/* Raising with no handler ends the process with a message naming the code;
 * ctest matches the message (tests/CMakeLists.txt). */
#include <windows.h>
#include <rpc.h>

int main(void)
{
    RpcRaiseException(RPC_S_CALL_FAILED);
}
