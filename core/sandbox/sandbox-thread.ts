import { serveTasks } from './sandbox-thread-serve';
import { SANDBOX_TASKS } from './sandbox-thread-tasks';

/** Entry of a sandbox pool's child process (see sandbox-pool.ts). */
serveTasks(SANDBOX_TASKS);
