#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the domain XML corpus of tests/unit/test-domain-config.c: every kind of guest (BIOS and
# UEFI PC, q35, Xen PV and HVM, direct kernel boot, aarch64, LXC) crossed with every device
# family, with comments, foreign metadata and elements and attributes Hako does not know.
# Written from libvirt's documented domain format (formatdomain.rst), not copied from libvirt.
# Files whose name ends in -dq.xml use double quotes, the way libxml2 writes XML, so that an
# unedited document must come back byte for byte; the others use libvirt's single quotes.
# Every file passes libvirt's schema (virt-xml-validate FILE domain) except those that carry
# elements libvirt does not know on purpose: the 'unknown' device group and the pc-qemu guests
# (an unknown feature).
# Run once from this directory: ./generate.py (the generated files are committed).
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))

BASES = {}

BASES['q35-kvm'] = """<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <title>Workstation {n}</title>
  <description>A q35 guest with KVM.
Second line of the description.</description>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>
      <libosinfo:os id='http://fedoraproject.org/fedora/38'/>
    </libosinfo:libosinfo>
    <acme:inventory xmlns:acme='http://example.com/acme/inventory/1'>
      <acme:asset tag='A-{n}' owner='ops'/>
    </acme:inventory>
  </metadata>
  <memory unit='KiB'>2097152</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
    <vmport state='off'/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <clock offset='utc'>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
{devices}
  </devices>
  <qemu:commandline>
    <qemu:arg value='-newarg'/>
  </qemu:commandline>
</domain>
"""

BASES['pc-qemu'] = """<!-- A BIOS PC guest under TCG, written by hand. -->
<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='MiB'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <boot dev='cdrom'/>
    <boot dev='hd'/>
    <bootmenu enable='no' timeout='3000'/>
  </os>
  <features>
    <acpi/>
    <x-unknown-feature level='3'/>
  </features>
  <cpu mode='custom' match='exact' check='partial'>
    <model fallback='allow'>qemu64</model>
    <topology sockets='1' dies='1' cores='2' threads='1'/>
    <feature policy='require' name='x2apic'/>
  </cpu>
  <clock offset='localtime'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
{devices}
  </devices>
</domain>
"""

BASES['xen-pv'] = """<domain type='xen'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <title>Xen PV guest {n}</title>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu>2</vcpu>
  <bootloader>/usr/lib/xen-4.17/bin/pygrub</bootloader>
  <os>
    <type arch='x86_64' machine='xenpv'>xen</type>
    <!-- pygrub reads the kernel from the guest's disk -->
  </os>
  <clock offset='utc' adjustment='reset'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>preserve</on_crash>
  <devices>
{devices}
    <console type='pty'>
      <target type='xen' port='0'/>
    </console>
  </devices>
</domain>
"""

BASES['xen-hvm'] = """<domain type='xen' id='7'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='GiB'>2</memory>
  <currentMemory unit='MiB'>1024</currentMemory>
  <vcpu current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <loader type='rom'>/usr/lib/xen-4.17/boot/hvmloader</loader>
    <boot dev='network'/>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
    <pae/>
    <hap state='on'/>
    <viridian/>
  </features>
  <cpu mode='host-passthrough'>
    <topology sockets='1' cores='2' threads='1'/>
  </cpu>
  <clock offset='variable' adjustment='0' basis='utc'/>
  <devices>
    <emulator>/usr/lib/xen-4.17/bin/qemu-system-i386</emulator>
{devices}
  </devices>
</domain>
"""

BASES['uefi-auto'] = """<domain type='kvm'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <genid>43dc0cf8-809b-4adb-9bea-a9abb5f3d90d</genid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>
      <libosinfo:os id='http://microsoft.com/win/11'/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <vcpu placement='static'>4</vcpu>
  <iothreads>1</iothreads>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <firmware>
      <feature enabled='yes' name='secure-boot'/>
      <feature enabled='yes' name='enrolled-keys'/>
    </firmware>
    <boot dev='hd'/>
    <smbios mode='sysinfo'/>
  </os>
  <sysinfo type='smbios'>
    <system>
      <entry name='manufacturer'>Hako Test</entry>
    </system>
  </sysinfo>
  <features>
    <acpi/>
    <apic/>
    <hyperv mode='custom'>
      <relaxed state='on'/>
      <vapic state='on'/>
      <spinlocks state='on' retries='8191'/>
    </hyperv>
    <smm state='on'/>
  </features>
  <cpu mode='host-model' check='partial'/>
  <clock offset='localtime'>
    <timer name='hypervclock' present='yes'/>
  </clock>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
{devices}
  </devices>
  <seclabel type='dynamic' model='apparmor' relabel='yes'/>
</domain>
"""

BASES['uefi-pflash'] = """<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <title>UEFI guest with an explicit loader — テスト {n}</title>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' secure='no' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/{name}_VARS.fd</nvram>
    <boot dev='cdrom'/>
    <bootmenu enable='yes'/>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
{devices}
  </devices>
</domain>
"""

BASES['kernel-boot'] = """<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <description>R&amp;D box &lt;lab&gt; with a direct kernel boot</description>
  <memory unit='MiB'>1536</memory>
  <currentMemory unit='MiB'>768</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>/var/lib/libvirt/boot/vmlinuz</kernel>
    <initrd>/var/lib/libvirt/boot/initrd.img</initrd>
    <cmdline>console=ttyS0 root=/dev/vda1 ro</cmdline>
    <acpi>
      <table type='slic'>/var/lib/libvirt/acpi/slic.dat</table>
    </acpi>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='maximum' check='none'/>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
{devices}
  </devices>
</domain>
"""

BASES['aarch64-virt'] = """<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <metadata>
    <foo:note xmlns:foo='urn:example:foo'>keep <foo:b>this</foo:b> mixed content</foo:note>
  </metadata>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='aarch64' machine='virt-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/AAVMF/AAVMF_CODE.fd</loader>
    <nvram>/var/lib/libvirt/qemu/nvram/{name}_VARS.fd</nvram>
    <dtb>/var/lib/libvirt/boot/virt.dtb</dtb>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <gic version='3'/>
  </features>
  <cpu mode='custom' match='exact'>
    <model fallback='forbid'>cortex-a57</model>
  </cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-aarch64</emulator>
{devices}
  </devices>
</domain>
"""

BASES['lxc'] = """<domain type='lxc'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os>
    <type>exe</type>
    <init>/sbin/init</init>
    <initarg>--unit</initarg>
    <initarg>emergency.service</initarg>
  </os>
  <idmap>
    <uid start='0' target='1000' count='10'/>
    <gid start='0' target='1000' count='10'/>
  </idmap>
  <devices>
    <emulator>/usr/lib/libvirt/libvirt_lxc</emulator>
{devices}
  </devices>
</domain>
"""

GROUPS = {}

GROUPS['disks'] = """    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none' discard='unmap'/>
      <source file='/var/lib/libvirt/images/{name}.qcow2'/>
      <backingStore type='file'>
        <format type='raw'/>
        <source file='/var/lib/libvirt/images/base.img'/>
        <backingStore/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
      <boot order='1'/>
      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
    </disk>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' io='native'/>
      <source dev='/dev/vg0/{name}-data'/>
      <target dev='sda' bus='sata'/>
      <serial>DATA-{n}</serial>
    </disk>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <auth username='admin'>
        <secret type='ceph' usage='client.admin secret'/>
      </auth>
      <source protocol='rbd' name='pool/{name}'>
        <host name='mon1.example.com' port='6789'/>
        <host name='mon2.example.com' port='6789'/>
      </source>
      <target dev='vdb' bus='virtio'/>
      <iotune>
        <total_bytes_sec>10000000</total_bytes_sec>
      </iotune>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/isos/install.iso'/>
      <target dev='sdb' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='floppy'>
      <target dev='fda' bus='fdc'/>
    </disk>
    <disk type='volume' device='disk'>
      <source pool='default' volume='{name}-extra.qcow2'/>
      <target dev='vdc' bus='virtio'/>
    </disk>
    <controller type='sata' index='0'/>"""

GROUPS['lun'] = """    <controller type='scsi' index='0' model='virtio-scsi'>
      <driver queues='4' iothread='1'/>
    </controller>
    <disk type='block' device='lun' sgio='unfiltered' rawio='yes'>
      <driver name='qemu' type='raw'/>
      <source dev='/dev/disk/by-id/wwn-0x5000c500a1b2c3d4'/>
      <target dev='sdc' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='2'/>
    </disk>
    <disk type='nvme' device='disk'>
      <driver name='qemu' type='raw'/>
      <source type='pci' managed='yes' namespace='1'>
        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </source>
      <target dev='vde' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>"""

GROUPS['nics'] = """    <interface type='network'>
      <mac address='52:54:00:6b:3c:{n:02x}'/>
      <source network='default'/>
      <model type='virtio'/>
      <driver name='vhost' queues='2'/>
      <link state='up'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:11:22:{n:02x}'/>
      <source bridge='br0'/>
      <vlan>
        <tag id='42'/>
      </vlan>
      <virtualport type='openvswitch'/>
      <model type='e1000e'/>
      <bandwidth>
        <inbound average='1000' peak='5000' burst='1024'/>
      </bandwidth>
    </interface>
    <interface type='direct'>
      <source dev='eth0' mode='vepa'/>
      <model type='rtl8139'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:aa:00:{n:02x}'/>
      <ip family='ipv4' address='172.17.2.0' prefix='24'/>
      <portForward proto='tcp'>
        <range start='2022' to='22'/>
      </portForward>
    </interface>
    <interface type='ethernet'>
      <target dev='hakotap{n}' managed='no'/>
      <model type='virtio'/>
    </interface>
    <interface type='vhostuser'>
      <source type='unix' path='/tmp/vhost{n}.sock' mode='server'/>
      <model type='virtio'/>
    </interface>"""

GROUPS['graphics'] = """    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cret' keymap='en-us'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
    <graphics type='spice' autoport='yes'>
      <listen type='none'/>
      <image compression='off'/>
      <gl enable='no'/>
    </graphics>
    <graphics type='egl-headless'>
      <gl rendernode='/dev/dri/renderD128'/>
    </graphics>
    <graphics type='sdl' display=':0' fullscreen='no'/>
    <graphics type='dbus' p2p='yes'/>
    <video>
      <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'/>
    </video>"""

GROUPS['video'] = """    <video>
      <model type='virtio' heads='1' primary='yes'>
        <acceleration accel3d='yes'/>
      </model>
    </video>
    <video>
      <model type='vga' vram='16384'/>
    </video>
    <video>
      <model type='cirrus'/>
    </video>
    <video>
      <model type='bochs' vram='16384'/>
    </video>
    <video>
      <model type='ramfb'/>
    </video>
    <video>
      <driver name='vhostuser'/>
      <model type='virtio'/>
    </video>"""

GROUPS['sound'] = """    <sound model='ich9'>
      <codec type='micro'/>
      <audio id='1'/>
    </sound>
    <sound model='ich6'/>
    <sound model='usb'/>
    <sound model='ac97'/>
    <audio id='1' type='spice'/>
    <audio id='2' type='pulseaudio' serverName='/run/user/1000/pulse/native'>
      <input mixingEngine='yes'/>
      <output mixingEngine='yes'/>
    </audio>"""

GROUPS['input'] = """    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
    </input>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <input type='keyboard' bus='virtio'/>
    <input type='passthrough' bus='virtio'>
      <source evdev='/dev/input/event1'/>
    </input>
    <input type='evdev'>
      <source dev='/dev/input/event2' grab='all' repeat='on'/>
    </input>"""

GROUPS['chars'] = """    <serial type='pty'>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
    </serial>
    <serial type='tcp'>
      <source mode='bind' host='127.0.0.1' service='4555'/>
      <protocol type='telnet'/>
      <target port='1'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <channel type='spicevmc'>
      <target type='virtio' name='com.redhat.spice.0'/>
    </channel>
    <channel type='pty'>
      <target type='guestfwd' address='10.0.2.1' port='4600'/>
    </channel>
    <parallel type='file'>
      <source path='/tmp/parallel-{n}.log'/>
      <target port='0'/>
    </parallel>"""

GROUPS['controllers'] = """    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='1' port='0x10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
    </controller>
    <controller type='pci' index='2' model='pcie-to-pci-bridge'/>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <controller type='virtio-serial' index='0' ports='16' vectors='4'/>
    <controller type='sata' index='0'/>
    <controller type='ide' index='0'/>
    <controller type='ccid' index='0'/>"""

GROUPS['hostdev'] = """    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
      <rom bar='off'/>
    </hostdev>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source startupPolicy='optional'>
        <vendor id='0x1234'/>
        <product id='0xbeef'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi' sgio='filtered'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='0'/>
      </source>
      <readonly/>
    </hostdev>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='on'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>
      </source>
    </hostdev>
    <redirdev bus='usb' type='spicevmc'/>
    <redirdev bus='usb' type='tcp'>
      <source mode='connect' host='192.0.2.10' service='4000'/>
      <boot order='2'/>
    </redirdev>
    <redirfilter>
      <usbdev class='0x08' vendor='0x1234' product='0xbeef' version='2.00' allow='yes'/>
      <usbdev allow='no'/>
    </redirfilter>
    <smartcard mode='passthrough' type='spicevmc'/>
    <hub type='usb'/>"""

GROUPS['misc'] = """    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0'/>
    </tpm>
    <rng model='virtio'>
      <rate period='2000' bytes='1234'/>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <rng model='virtio-non-transitional'>
      <backend model='egd' type='udp'>
        <source mode='bind' service='1234'/>
        <source mode='connect' host='1.2.3.4' service='1234'/>
      </backend>
    </rng>
    <watchdog model='i6300esb' action='reset'/>
    <panic model='isa'>
      <address type='isa' iobase='0x505'/>
    </panic>
    <memballoon model='virtio' autodeflate='on' freePageReporting='on'>
      <stats period='10'/>
    </memballoon>
    <iommu model='intel'>
      <driver intremap='on' caching_mode='on'/>
    </iommu>
    <vsock model='virtio'>
      <cid auto='no' address='{cid}'/>
    </vsock>"""

GROUPS['fs-mem'] = """    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs' queue='1024'/>
      <binary path='/usr/libexec/virtiofsd' xattr='on'>
        <cache mode='always'/>
      </binary>
      <source dir='/srv/share'/>
      <target dir='share'/>
    </filesystem>
    <filesystem type='mount' accessmode='mapped'>
      <source dir='/export/to/guest'/>
      <target dir='/import/from/host'/>
      <readonly/>
    </filesystem>
    <shmem name='my_shmem0'>
      <model type='ivshmem-plain'/>
      <size unit='M'>4</size>
    </shmem>
    <shmem name='shmem_server'>
      <model type='ivshmem-doorbell'/>
      <server path='/tmp/socket'/>
      <msi vectors='32' ioeventfd='on'/>
    </shmem>
    <memory model='dimm' access='private' discard='yes'>
      <target>
        <size unit='KiB'>524287</size>
        <node>0</node>
      </target>
    </memory>
    <memory model='virtio-mem'>
      <target>
        <size unit='KiB'>1048576</size>
        <node>0</node>
        <block unit='KiB'>2048</block>
        <requested unit='KiB'>524288</requested>
      </target>
    </memory>"""

GROUPS['unknown'] = """    <!-- devices Hako does not know, and attributes it does not know on ones it does -->
    <disk type='file' device='disk' x-vendor-hint='fast'>
      <driver name='qemu' type='raw' x-unknown='1'/>
      <source file='/var/lib/libvirt/images/{name}.img'>
        <x-unknown-child mode='auto'/>
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>
    <x-frobnicator model='v2' enabled='yes'>
      <setting name='speed'>11</setting>
      <!-- a comment inside an unknown device -->
    </x-frobnicator>
    <crypto model='virtio' type='qemu'>
      <backend model='builtin' queues='1'/>
    </crypto>
    <nvram>
      <address type='spapr-vio' reg='0x3000'/>
    </nvram>
    <lease>
      <lockspace>somearea</lockspace>
      <key>somekey</key>
      <target path='/some/lease/path' offset='1024'/>
    </lease>
    <interface type='network' x-extra='kept'>
      <mac address='52:54:00:77:88:{n:02x}'/>
      <source network='isolated'/>
      <x-nic-option>on</x-nic-option>
    </interface>"""

GROUPS['everything'] = "\n".join([
    """    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/{name}.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/var/lib/libvirt/isos/memtest.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <controller type='usb' index='0' model='ich9-ehci1'/>
    <interface type='network'>
      <mac address='52:54:00:de:ad:{n:02x}'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <input type='tablet' bus='usb'/>
    <graphics type='spice' autoport='yes'/>
    <sound model='ich9'/>
    <audio id='1' type='none'/>
    <video>
      <model type='virtio' heads='1'/>
    </video>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
      </source>
    </hostdev>
    <redirdev bus='usb' type='spicevmc'/>
    <watchdog model='ib700' action='poweroff'/>
    <tpm model='tpm-tis'>
      <backend type='passthrough'>
        <device path='/dev/tpm0'/>
      </backend>
    </tpm>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <filesystem type='mount'>
      <source dir='/srv'/>
      <target dir='srv'/>
    </filesystem>
    <memballoon model='virtio'/>
    <panic model='hyperv'/>
    <smartcard mode='host'/>
    <parallel type='pty'>
      <target port='0'/>
    </parallel>
    <shmem name='shm0'/>
    <vsock model='virtio'>
      <cid auto='yes'/>
    </vsock>
    <iommu model='virtio'/>
    <hub type='usb'/>"""])

# Devices that each kind of guest really takes (Xen guests no virtio video, LXC no disks…)
# are not the point: the corpus checks that Hako keeps what it is given.


def to_double_quotes(xml):
    """The same document as libxml2 would write it: double quotes, namespace
    declarations first."""
    xml = re.sub(r"='([^']*)'", r'="\1"', xml)

    def ns_first(m):
        attrs = re.findall(r'\s+[\w:.-]+="[^"]*"', m.group(2))
        ns = [a for a in attrs if a.strip().startswith('xmlns')]
        rest = [a for a in attrs if not a.strip().startswith('xmlns')]
        return '<' + m.group(1) + ''.join(ns + rest) + m.group(3)
    return re.sub(r'<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")+)(\s*/?>)', ns_first, xml)


def main():
    for old in os.listdir(HERE):
        if old.endswith('.xml'):
            os.unlink(os.path.join(HERE, old))
    n = 0
    for base_name, base in BASES.items():
        for group_name, group in GROUPS.items():
            n += 1
            name = 'hako-%s-%s' % (base_name, group_name)
            uuid = '6861686b-6466-4000-8000-%012d' % n
            devices = group.format(name=name, n=n, cid=n + 2)
            xml = base.format(name=name, uuid=uuid, n=n, devices=devices)
            dq = n % 2 == 0
            if dq:
                xml = to_double_quotes(xml)
            fname = '%02d-%s-%s%s.xml' % (n, base_name, group_name, '-dq' if dq else '')
            with open(os.path.join(HERE, fname), 'w', encoding='utf-8') as f:
                f.write(xml)
    print('%d files' % n)


if __name__ == '__main__':
    main()
