/* What the async wire test observes of its server. */
#include <windows.h>
extern volatile LONG wire_async_cancel_seen;
extern volatile LONG wire_async_completed_late;
extern HANDLE wire_async_cancel_event;
extern HANDLE wire_async_disconnect_event;
extern volatile LONG wire_async_complete_failed;
