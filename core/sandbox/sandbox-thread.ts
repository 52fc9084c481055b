// First: the thread's own native addons, before the tasks load them.
import '../thread-addons';
import { serveTasks } from './sandbox-thread-serve';
import { SANDBOX_TASKS } from './sandbox-thread-tasks';

/** Entry of a sandbox pool's worker thread (see sandbox-pool.ts). */
serveTasks(SANDBOX_TASKS);
