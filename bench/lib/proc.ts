import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** A field of /proc/<pid>/status in MB (VmRSS: resident now, VmHWM: peak resident). */
export const memoryMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** Busy and total jiffies of the whole machine, from /proc/stat. */
const machineJiffies = (): { busy: number; total: number } => {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
};

/** What a process and the machine did while a measurement ran. */
export interface Usage {
  /** CPU seconds the watched process used. */
  readonly cpuSeconds: number;
  /** Highest resident set size seen, MB (sampled every 100 ms). */
  readonly peakRssMb: number;
  /** Share of the whole machine's CPU that was busy, 0–1. */
  readonly machineBusy: number;
  /** The 1-minute load average when the run ended. */
  readonly load1: number;
}

/** Watches one process (CPU, RSS) and the machine while `run` goes. */
export const watch = async <T>(pid: number, run: () => Promise<T>): Promise<[T, Usage]> => {
  const cpu0 = cpuSeconds(pid);
  const m0 = machineJiffies();
  let peak = memoryMb(pid, 'VmRSS');
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryMb(pid, 'VmRSS'));
  }, 100);
  try {
    const value = await run();
    peak = Math.max(peak, memoryMb(pid, 'VmRSS'));
    const m1 = machineJiffies();
    const busy = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total);
    const load1 = loadavg()[0] ?? Number.NaN;
    return [
      value,
      { cpuSeconds: cpuSeconds(pid) - cpu0, peakRssMb: peak, machineBusy: busy, load1 },
    ];
  } finally {
    clearInterval(timer);
  }
};

/** The machine in one line: CPU model, cores, Node version, load average. */
export const machine = (): { cpu: string; cores: number; node: string; load: string } => ({
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  load: loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
});
