"""The system on real processes: workers, relay, beat, replicas, brokers, faults and servers."""
