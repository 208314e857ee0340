/* libc entry points and structs the engine calls through FFM (see libc.args for the filter). */
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sched.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
