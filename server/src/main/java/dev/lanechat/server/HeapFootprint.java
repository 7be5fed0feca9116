package dev.lanechat.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * How much memory the server's JVM keeps once it no longer needs it (issue 16: RSS per socket).
 * With the JVM's defaults, G1 keeps up to 70 % of its heap free after a collection, so a burst
 * (10,000 sockets connecting at once, a reconnect storm) leaves it holding two to three times the
 * live heap for good: 19,000 idle sockets took 74 MB of live heap but 217 MB more committed heap,
 * 474 MB of RSS in all. Here the heap keeps at most 40 % free after a full or concurrent
 * collection, and an idle server runs a concurrent collection every 5 minutes so that it gives
 * back what a burst took (same run: 325 MB). These flags are "manageable" (settable while the JVM
 * runs); one that the operator set on the command line ({@code LANECHAT_JAVA_OPTS}) is left as
 * set. Only {@code serve} calls this: it changes the whole process.
 */
final class HeapFootprint {
    private static final Map<String, String> FLAGS =
            Map.of("MinHeapFreeRatio", "20", "MaxHeapFreeRatio", "40", "G1PeriodicGCInterval", "300000");

    private HeapFootprint() {}

    /** Sets each flag that still has the JVM's default; one this JVM does not have is skipped. */
    static void apply() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        FLAGS.forEach((name, value) -> {
            try {
                if (vm.getVMOption(name).getOrigin() == VMOption.Origin.DEFAULT) {
                    vm.setVMOption(name, value);
                }
            } catch (IllegalArgumentException e) {
                // not a flag of this JVM, or not settable here: its default stays
            }
        });
    }
}
