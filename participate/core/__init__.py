"""The shared kernel: errors, access checks, the transaction helper, tasks, mail, money, time. It imports no domain."""
