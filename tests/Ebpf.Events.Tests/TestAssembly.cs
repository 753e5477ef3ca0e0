// The tests pin producers to CPUs and time waits to 100 ms: run them one after another, not beside each other
// competing for the machine's two CPUs and the thread pool.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
