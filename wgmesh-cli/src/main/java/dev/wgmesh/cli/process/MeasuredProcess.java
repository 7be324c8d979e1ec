package dev.wgmesh.cli.process;

/** A process of the harness whose memory and CPU time the benchmark reads from /proc. */
public interface MeasuredProcess {

    long pid();

    /** Peak resident memory so far, in bytes. */
    default long peakRss() {
        return Processes.peakRss(pid());
    }

    /** CPU time used so far, in seconds. */
    default double cpuSeconds() {
        return Processes.cpuSeconds(pid());
    }

    /** CPU time used so far by the commands it ran (a command target's), in seconds. */
    default double childrenCpuSeconds() {
        return Processes.childrenCpuSeconds(pid());
    }
}
