"""The parts of `bench/directory_sync.py` (the directory sync benchmark): the generated region
(`region`), the measurements run in child processes (`workers`) and the table (`report`)."""
