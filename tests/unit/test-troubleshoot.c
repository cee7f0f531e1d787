/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hako_troubleshoot_connect_error() on the errors libvirt and ssh give (messages as libvirt 9.0
 * and OpenSSH 9.2 word them), and the KVM check on captured capabilities. */
#include "config.h"

#include "hako-troubleshoot.h"

#include <errno.h>
#include <libvirt/virterror.h>
#include <string.h>

static HakoTrouble *
diagnose(const char *uri, int code, int sys_errno, const char *message)
{
    HakoConnectFailure failure = {uri, code, VIR_FROM_RPC, sys_errno, message};

    return hako_troubleshoot_connect_error(&failure);
}

static void
assert_says(const HakoTrouble *trouble,
            HakoTroubleKind kind,
            const char *in_summary,
            const char *in_fix)
{
    g_assert_nonnull(trouble);
    g_assert_cmpint(trouble->kind, ==, kind);
    g_assert_nonnull(trouble->summary);
    g_assert_nonnull(trouble->fix);
    if (in_summary != NULL && strstr(trouble->summary, in_summary) == NULL)
        g_error("summary %s does not say %s", trouble->summary, in_summary);
    if (in_fix != NULL && strstr(trouble->fix, in_fix) == NULL)
        g_error("fix %s does not say %s", trouble->fix, in_fix);
}

static void
test_daemon_local(void)
{
    g_autoptr(HakoTrouble) missing =
        diagnose("qemu:///system", VIR_ERR_SYSTEM_ERROR, ENOENT,
                 "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or "
                 "directory");
    g_autoptr(HakoTrouble) refused =
        diagnose("xen:///system", VIR_ERR_SYSTEM_ERROR, ECONNREFUSED,
                 "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused");
    g_autoptr(HakoTrouble) private_socket =
        diagnose("qemu:///system?socket=/tmp/d/run/libvirt-sock", VIR_ERR_SYSTEM_ERROR, ENOENT,
                 "Failed to connect socket to '/tmp/d/run/libvirt-sock': No such file or "
                 "directory");
    /* Only the words, no errno (an error passed on as text) */
    g_autoptr(HakoTrouble) words =
        diagnose("qemu:///system", VIR_ERR_INTERNAL_ERROR, 0,
                 "Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused");

    assert_says(missing, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "not running on this computer",
                "systemctl start libvirtd");
    g_assert_nonnull(strstr(missing->fix, "libvirtd -d"));
    assert_says(refused, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "not running",
                "systemctl start libvirtd");
    assert_says(private_socket, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "/tmp/d/run/libvirt-sock",
                "libvirtd -d");
    assert_says(words, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "not running", "systemctl start libvirtd");
}

static void
test_daemon_remote(void)
{
    /* ssh worked; nc (or virt-ssh-helper) on the host found no socket */
    g_autoptr(HakoTrouble) over_nc =
        diagnose("qemu+ssh://root@kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR, ECONNRESET,
                 "Cannot recv data: nc: unix connect failed: No such file or directory: "
                 "Connection reset by peer");
    g_autoptr(HakoTrouble) over_helper =
        diagnose("qemu+ssh://kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR, ECONNRESET,
                 "Cannot recv data: Failed to connect socket to '/var/run/libvirt/libvirt-sock': "
                 "Connection refused: Connection reset by peer");
    g_autoptr(HakoTrouble) tcp =
        diagnose("qemu+tcp://kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR, ECONNREFUSED,
                 "unable to connect to server at 'kvm1.example.org:16509': Connection refused");

    assert_says(over_nc, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "kvm1.example.org",
                "systemctl start libvirtd");
    assert_says(over_helper, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "not running on kvm1.example.org",
                "libvirtd -d");
    assert_says(tcp, HAKO_TROUBLE_DAEMON_NOT_RUNNING, "TCP", "libvirtd-tcp.socket");
}

static void
test_permission(void)
{
    g_autoptr(HakoTrouble) local =
        diagnose("qemu:///system", VIR_ERR_SYSTEM_ERROR, EACCES,
                 "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied");
    g_autoptr(HakoTrouble) private_socket =
        diagnose("qemu:///system?socket=/tmp/d/run/libvirt-sock", VIR_ERR_SYSTEM_ERROR, EACCES,
                 "Failed to connect socket to '/tmp/d/run/libvirt-sock': Permission denied");
    g_autoptr(HakoTrouble) remote =
        diagnose("qemu+ssh://me@kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR, ECONNRESET,
                 "Cannot recv data: nc: unix connect failed: Permission denied: Connection reset "
                 "by peer");

    assert_says(local, HAKO_TROUBLE_SOCKET_PERMISSION, "not allowed", "“libvirt” group");
    g_assert_nonnull(strstr(local->fix, "log out"));
    assert_says(private_socket, HAKO_TROUBLE_SOCKET_PERMISSION, "/tmp/d/run/libvirt-sock",
                "usermod -aG libvirt");
    assert_says(remote, HAKO_TROUBLE_SOCKET_PERMISSION, "kvm1.example.org", "“libvirt” group");
}

static void
test_polkit(void)
{
    g_autoptr(HakoTrouble) agent =
        diagnose("qemu:///system", VIR_ERR_AUTH_UNAVAILABLE, 0,
                 "authentication unavailable: no polkit agent available to authenticate action "
                 "'org.libvirt.unix.manage'");
    g_autoptr(HakoTrouble) denied =
        diagnose("qemu:///system", VIR_ERR_AUTH_FAILED, 0,
                 "authentication failed: access denied by policy (polkit)");

    assert_says(agent, HAKO_TROUBLE_POLKIT, "polkit", "“libvirt” group");
    g_assert_nonnull(strstr(agent->fix, "authentication agent"));
    assert_says(denied, HAKO_TROUBLE_POLKIT, "polkit", "log out");
}

static void
test_polkit_no_bus(void)
{
    /* libvirtd (auth_unix_rw = polkit, the socket 0777) on a machine without a system bus */
    HakoConnectFailure failure = {"qemu:///system", VIR_ERR_INTERNAL_ERROR, VIR_FROM_DBUS, 0,
                                  "internal error: Unable to get system bus connection: Could not "
                                  "connect: No such file or directory"};
    g_autoptr(HakoTrouble) trouble = hako_troubleshoot_connect_error(&failure);

    assert_says(trouble, HAKO_TROUBLE_POLKIT, "system bus", "auth_unix_rw");
    g_assert_nonnull(strstr(trouble->fix, "“libvirt” group"));
}

static void
test_host_unknown(void)
{
    /* libvirt's own ssh transport, and Hako's ssh session */
    g_autoptr(HakoTrouble) libvirt_ssh =
        diagnose("qemu+ssh://root@nonexistent.invalid/system", VIR_ERR_SYSTEM_ERROR, ECONNRESET,
                 "Cannot recv data: ssh: Could not resolve hostname nonexistent.invalid: Name or "
                 "service not known: Connection reset by peer");
    g_autoptr(HakoTrouble) hako_ssh =
        diagnose("qemu+ssh://nonexistent.invalid:2222/system", 0, 0,
                 "Could not open an SSH session to nonexistent.invalid: ssh: Could not resolve "
                 "hostname nonexistent.invalid: Name or service not known");
    g_autoptr(HakoTrouble) tcp =
        diagnose("qemu+tcp://nonexistent.invalid/system", VIR_ERR_SYSTEM_ERROR, 0,
                 "Unable to resolve address 'nonexistent.invalid' service '16509': Name or "
                 "service not known");

    assert_says(libvirt_ssh, HAKO_TROUBLE_HOST_UNKNOWN, "“nonexistent.invalid”", "spelling");
    assert_says(hako_ssh, HAKO_TROUBLE_HOST_UNKNOWN, "does not resolve", "IP address");
    assert_says(tcp, HAKO_TROUBLE_HOST_UNKNOWN, "nonexistent.invalid", NULL);
}

static void
test_host_unreachable(void)
{
    /* sshd not running: ssh's "Connection refused" is not the libvirt daemon's */
    g_autoptr(HakoTrouble) refused =
        diagnose("qemu+ssh://root@127.0.0.1:2299/system", VIR_ERR_SYSTEM_ERROR, ECONNRESET,
                 "Cannot recv data: ssh: connect to host 127.0.0.1 port 2299: Connection "
                 "refused: Connection reset by peer");
    g_autoptr(HakoTrouble) no_route =
        diagnose("qemu+ssh://kvm1.example.org/system", 0, 0,
                 "Could not open an SSH session to kvm1.example.org: ssh: connect to host "
                 "kvm1.example.org port 22: No route to host");
    g_autoptr(HakoTrouble) tcp_timeout =
        diagnose("qemu+tcp://kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR, ETIMEDOUT,
                 "unable to connect to server at 'kvm1.example.org:16509': Connection timed out");

    assert_says(refused, HAKO_TROUBLE_HOST_UNREACHABLE, "port 2299", "SSH server");
    assert_says(no_route, HAKO_TROUBLE_HOST_UNREACHABLE, "port 22)", "switched on");
    assert_says(tcp_timeout, HAKO_TROUBLE_HOST_UNREACHABLE, "kvm1.example.org", "firewall");
}

static void
test_unrelated(void)
{
    g_assert_null(diagnose("hakonosuchdriver:///system", VIR_ERR_NO_CONNECT, 0,
                           "no connection driver available for hakonosuchdriver:///system"));
    g_assert_null(diagnose("qemu:///system", VIR_ERR_INTERNAL_ERROR, 0, NULL));
    g_assert_null(diagnose(NULL, 0, 0, ""));
    /* An SSH login refused is the ssh layer's business (it asks again), not the socket's */
    g_assert_null(diagnose("qemu+ssh://me@kvm1.example.org/system", VIR_ERR_AUTH_FAILED, 0,
                           "kvm1.example.org refused the SSH login (me@kvm1.example.org: "
                           "Permission denied (publickey,password).)"));
    g_assert_null(diagnose("qemu+ssh://me@kvm1.example.org/system", VIR_ERR_SYSTEM_ERROR,
                           ECONNRESET,
                           "Cannot recv data: me@kvm1.example.org: Permission denied "
                           "(publickey,password).: Connection reset by peer"));
    /* errno is only libvirt's for a system error */
    g_assert_null(diagnose("qemu:///system", VIR_ERR_OPERATION_FAILED, ENOENT, "no such thing"));
}

static void
test_explain(void)
{
    g_autoptr(HakoTrouble) trouble = hako_troubleshoot_no_kvm();
    g_autofree char *alone = hako_trouble_explain(trouble, NULL);
    g_autofree char *detailed = hako_trouble_explain(trouble, "Could not connect: because");

    g_assert_true(g_str_has_prefix(alone, trouble->summary));
    g_assert_true(g_str_has_suffix(alone, trouble->fix));
    g_assert_true(g_str_has_suffix(detailed, "\nCould not connect: because"));
    g_assert_nonnull(strstr(detailed, trouble->fix));
}

static char *
read_caps(const char *name)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "caps", name, NULL);
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    g_file_get_contents(path, &text, NULL, &error);
    g_assert_no_error(error);
    return text;
}

/* A guest that cannot start: QEMU may not open an image (the message of libvirt 9.0 with QEMU
 * 7.2), a network card's bridge or network is missing or not started, the host has no memory for
 * it, or no KVM; other failures are not explained. */
static void
test_start_error(void)
{
    g_autoptr(HakoTrouble) denied = hako_troubleshoot_start_error(
        "internal error: process exited while connecting to monitor: "
        "2026-12-02T20:00:00.000000Z qemu-system-x86_64: -blockdev "
        "{\"driver\":\"file\",\"filename\":\"/srv/vm images/disk.qcow2\"}: "
        "Could not open '/srv/vm images/disk.qcow2': Permission denied");
    g_autoptr(HakoTrouble) kvm = hako_troubleshoot_start_error(
        "internal error: process exited while connecting to monitor: Could not access KVM "
        "kernel module: No such file or directory\nqemu-system-x86_64: failed to initialize "
        "kvm: No such file or directory");
    g_autoptr(HakoTrouble) checked = hako_troubleshoot_start_error(
        "Cannot access storage file '/tmp/closed/disk.qcow2' (as uid:64055, gid:64055): "
        "Permission denied");
    g_autoptr(HakoTrouble) other = hako_troubleshoot_start_error(
        "Requested operation is not valid: domain is already running");
    /* libvirt 9.0's words, as troubleshoot-real provokes them */
    g_autoptr(HakoTrouble) bridge =
        hako_troubleshoot_start_error("Cannot get interface MTU on 'br-lab': No such device");
    g_autoptr(HakoTrouble) network =
        hako_troubleshoot_start_error("Network not found: no network with matching name 'lab'");
    g_autoptr(HakoTrouble) inactive = hako_troubleshoot_start_error(
        "Requested operation is not valid: network 'lab' is not active");
    g_autoptr(HakoTrouble) memory = hako_troubleshoot_start_error(
        "internal error: qemu unexpectedly closed the monitor: 2026-12-03T01:20:11.397010Z "
        "qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory");
    /* not the same: an MTU that cannot be read for another reason */
    g_autoptr(HakoTrouble) mtu =
        hako_troubleshoot_start_error("Cannot get interface MTU on 'br-lab': Permission denied");

    g_assert_nonnull(denied);
    g_assert_cmpint(denied->kind, ==, HAKO_TROUBLE_IMAGE_ACCESS);
    g_assert_nonnull(strstr(denied->summary, "/srv/vm images/disk.qcow2"));
    g_assert_nonnull(strstr(denied->fix, "chmod o+x"));
    g_assert_nonnull(strstr(denied->fix, "'/srv/vm images(/.*)?'"));
    g_assert_nonnull(strstr(denied->fix, "virt_image_t"));
    g_assert_nonnull(checked);
    g_assert_cmpint(checked->kind, ==, HAKO_TROUBLE_IMAGE_ACCESS);
    g_assert_nonnull(strstr(checked->summary, "/tmp/closed/disk.qcow2"));
    g_assert_nonnull(strstr(checked->fix, "'/tmp/closed(/.*)?'"));
    g_assert_nonnull(kvm);
    g_assert_cmpint(kvm->kind, ==, HAKO_TROUBLE_NO_KVM);
    g_assert_null(other);
    g_assert_null(hako_troubleshoot_start_error(NULL));
    g_assert_nonnull(bridge);
    g_assert_cmpint(bridge->kind, ==, HAKO_TROUBLE_BRIDGE_MISSING);
    g_assert_nonnull(strstr(bridge->summary, "bridge br-lab,"));
    g_assert_nonnull(strstr(bridge->fix, "ifname br-lab"));
    g_assert_nonnull(network);
    g_assert_cmpint(network->kind, ==, HAKO_TROUBLE_NETWORK_MISSING);
    g_assert_nonnull(strstr(network->summary, "virtual network lab,"));
    g_assert_nonnull(inactive);
    g_assert_cmpint(inactive->kind, ==, HAKO_TROUBLE_NETWORK_INACTIVE);
    g_assert_nonnull(strstr(inactive->summary, "virtual network lab,"));
    g_assert_nonnull(memory);
    g_assert_cmpint(memory->kind, ==, HAKO_TROUBLE_HOST_MEMORY);
    g_assert_null(mtu);
}

static void
test_kvm(void)
{
    g_autofree char *with_kvm = read_caps("qemu-capabilities.xml");
    g_autofree char *without_kvm = read_caps("qemu-capabilities-nokvm.xml");
    g_autofree char *test_driver = read_caps("test-capabilities.xml");
    g_autofree char *xen = read_caps("xen-capabilities.xml");
    g_autoptr(HakoTrouble) trouble = hako_troubleshoot_no_kvm();

    g_assert_false(hako_troubleshoot_caps_lack_kvm(with_kvm));
    g_assert_true(hako_troubleshoot_caps_lack_kvm(without_kvm));
    g_assert_false(hako_troubleshoot_caps_lack_kvm(test_driver));
    g_assert_false(hako_troubleshoot_caps_lack_kvm(xen));
    g_assert_false(hako_troubleshoot_caps_lack_kvm(NULL));
    g_assert_false(hako_troubleshoot_caps_lack_kvm("<capabilities"));

    assert_says(trouble, HAKO_TROUBLE_NO_KVM, "KVM is not available on this host", "VT-x");
    g_assert_nonnull(strstr(trouble->summary, "emulated (slow)"));
    g_assert_nonnull(strstr(trouble->fix, "AMD-V"));
    g_assert_nonnull(strstr(trouble->fix, "kvm_intel"));
    g_assert_nonnull(strstr(trouble->fix, "kvm_amd"));
}

int
main(int argc, char *argv[])
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/troubleshoot/daemon-not-running/local", test_daemon_local);
    g_test_add_func("/engine/troubleshoot/daemon-not-running/remote", test_daemon_remote);
    g_test_add_func("/engine/troubleshoot/socket-permission", test_permission);
    g_test_add_func("/engine/troubleshoot/polkit", test_polkit);
    g_test_add_func("/engine/troubleshoot/polkit-no-bus", test_polkit_no_bus);
    g_test_add_func("/engine/troubleshoot/host-unknown", test_host_unknown);
    g_test_add_func("/engine/troubleshoot/host-unreachable", test_host_unreachable);
    g_test_add_func("/engine/troubleshoot/unrelated", test_unrelated);
    g_test_add_func("/engine/troubleshoot/explain", test_explain);
    g_test_add_func("/engine/troubleshoot/start-error", test_start_error);
    g_test_add_func("/engine/troubleshoot/no-kvm", test_kvm);
    return g_test_run();
}
