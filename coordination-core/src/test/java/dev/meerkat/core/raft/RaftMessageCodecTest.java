package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.raft.RaftMessage.*;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftMessageCodecTest {

    static List<RaftMessage> oneOfEach() {
        return List.of(
                new RequestVote(1, 2, 3, 40, 2, true, false),
                new RequestVote(1, 2, 3, 40, 2, false, true),
                new VoteResponse(2, 1, 3, true, true),
                new AppendEntries(1, 2, 5, 9, 4, List.of(
                        new LogEntry(10, 5, EntryKind.COMMAND, new byte[]{1, 2, 3}),
                        new LogEntry(11, 5, EntryKind.NOOP, new byte[0]),
                        new LogEntry(12, 5, EntryKind.CONFIG, Membership.ofVoters(1L, 2L).encode())), 8),
                new AppendEntries(1, 2, 5, 9, 4, List.of(), 8),
                new AppendResponse(2, 1, 5, 9, true, 7, 3),
                new Heartbeat(1, 2, 5, 8, 77),
                new HeartbeatResponse(2, 1, 5, 77),
                new InstallSnapshotChunk(1, 3, 5, 100, 4, new Membership(Set.of(1L, 2L, 3L), Set.of(4L)), 512, new byte[]{9, 8, 7}, true),
                new SnapshotResponse(3, 1, 5, 100, 515),
                new TimeoutNow(1, 2, 5),
                new ReadIndexRequest(2, 1, 5, 123456789L),
                new ReadIndexResponse(1, 2, 5, 123456789L, 42));
    }

    @Test
    void everyMessageTypeRoundTrips() {
        List<RaftMessage> all = oneOfEach();
        assertThat(all.stream().map(Object::getClass).distinct())
                .as("covers every permitted subtype").hasSameSizeAs(RaftMessage.class.getPermittedSubclasses());
        for (RaftMessage m : all) {
            RaftMessage back = RaftMessageCodec.decode(RaftMessageCodec.encode(m));
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
    }

    @Test
    void corruptFramesAreRejected() {
        byte[] frame = RaftMessageCodec.encode(new Heartbeat(1, 2, 3, 4, 5));
        assertThatThrownBy(() -> RaftMessageCodec.decode(java.util.Arrays.copyOf(frame, frame.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] unknown = frame.clone();
        unknown[0] = 99;
        assertThatThrownBy(() -> RaftMessageCodec.decode(unknown)).isInstanceOf(IllegalArgumentException.class);
        byte[] trailing = java.util.Arrays.copyOf(frame, frame.length + 1);
        assertThatThrownBy(() -> RaftMessageCodec.decode(trailing)).isInstanceOf(IllegalArgumentException.class);
    }
}
