package dev.meerkat.core.log;

import java.nio.file.Path;

class MemoryLogStoreContractTest extends LogStoreContractTest {
    @Override
    LogStore open(Path dir) {
        return new MemoryLogStore();
    }
}
