package dev.meerkat.wire.proto;

import static dev.meerkat.wire.proto.Samples.DATA;
import static dev.meerkat.wire.proto.Samples.MIXED;
import static dev.meerkat.wire.proto.Samples.OPEN;
import static dev.meerkat.wire.proto.Samples.STAT;
import static dev.meerkat.wire.proto.Samples.ZERO_STAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.Op;
import org.junit.jupiter.api.Test;

/** multi (14) and multiRead (22) against ZooKeeper's MultiOperationRecord and MultiResponse. */
class MultiCompatibilityTest {

    /** What a Kafka broker registration plus controller fencing looks like, and every other write op. */
    private static MultiOperationRecord referenceWrites() throws Exception {
        return new MultiOperationRecord(List.of(
                Op.create("/brokers/ids/1", null, Ref.acls(OPEN), CreateMode.EPHEMERAL),
                Op.setData("/brokers/ids/1", DATA, 0),
                Op.check("/controller_epoch", 5),
                Op.create("/ctr", DATA, Ref.acls(MIXED), CreateMode.CONTAINER),
                Op.create("/ttl", new byte[0], Ref.acls(OPEN), CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 60_000L),
                Op.delete("/old", -1),
                Op.setData("/null", null, -1)));
    }

    private static final MultiRequest OUR_WRITES = new MultiRequest(List.of(
            new CreateRequest("/brokers/ids/1", null, OPEN, 1),
            new SetDataRequest("/brokers/ids/1", DATA, 0),
            new CheckVersionRequest("/controller_epoch", 5),
            new CreateRequest(OpCode.CREATE_CONTAINER, "/ctr", DATA, MIXED, 4),
            new CreateTTLRequest("/ttl", new byte[0], OPEN, 6, 60_000L),
            new DeleteRequest("/old", -1),
            new SetDataRequest("/null", null, -1)));

    @Test
    void decodesReferenceMulti() throws Exception {
        byte[] ref = Ref.bytes(referenceWrites());
        Request decoded = Request.decode(OpCode.MULTI, new JuteInput(ref));
        assertThat(decoded).isInstanceOf(MultiRequest.class).usingRecursiveComparison().isEqualTo(OUR_WRITES);
        MultiRequest multi = (MultiRequest) decoded;
        assertThat(multi.ops()).extracting(Request::opcode).containsExactly(1, 5, 13, 19, 21, 2, 5);
        assertThat(multi.opcode()).isEqualTo(OpCode.MULTI);
    }

    @Test
    void encodesMultiLikeReference() throws Exception {
        byte[] ours = Ref.ours(OUR_WRITES::write);
        assertThat(ours).isEqualTo(Ref.bytes(referenceWrites()));
        assertThat(Ref.read(ours, new MultiOperationRecord())).isEqualTo(referenceWrites());
    }

    @Test
    void create2InsideMultiKeepsItsOpcode() throws Exception {
        // The Java client never puts create2 in a multi, but ZooKeeper accepts it; so do we.
        MultiRequest ours = new MultiRequest(List.of(new CreateRequest(OpCode.CREATE2, "/c2", DATA, OPEN, 0)));
        byte[] bytes = Ref.ours(ours::write);
        MultiOperationRecord ref = Ref.read(bytes, new MultiOperationRecord());
        assertThat(ref.iterator().next().getPath()).isEqualTo("/c2");
        MultiRequest back = (MultiRequest) Request.decode(OpCode.MULTI, new JuteInput(bytes));
        assertThat(back.ops().get(0).opcode()).isEqualTo(OpCode.CREATE2);
    }

    @Test
    void multiReadRoundTripsWithReference() throws Exception {
        MultiOperationRecord ref = new MultiOperationRecord(List.of(
                Op.getData("/a"), Op.getChildren("/b"), Op.getData("/c")));
        MultiReadRequest ours = new MultiReadRequest(List.of(
                new GetDataRequest("/a", false), new GetChildrenRequest("/b", false),
                new GetDataRequest("/c", false)));
        byte[] refBytes = Ref.bytes(ref);
        assertThat(Ref.ours(ours::write)).isEqualTo(refBytes);
        assertThat(Request.decode(OpCode.MULTI_READ, new JuteInput(refBytes)))
                .usingRecursiveComparison().isEqualTo(ours);
    }

    @Test
    void readOpInsideMultiIsRejected() {
        JuteOutput out = new JuteOutput();
        new MultiHeader(OpCode.CREATE, false, -1).write(out);
        new CreateRequest("/ok", null, OPEN, 0).write(out);
        new MultiHeader(OpCode.GET_DATA, false, -1).write(out);
        new GetDataRequest("/a", false).write(out);
        MultiHeader.END.write(out);
        assertThatThrownBy(() -> Request.decode(OpCode.MULTI, new JuteInput(out.toByteArray())))
                .isInstanceOf(JuteException.class).hasMessageContaining("op type 4");
    }

    @Test
    void writeOpOrNestedMultiInsideMultiReadIsRejected() {
        for (int type : new int[] {OpCode.CREATE, OpCode.MULTI, OpCode.EXISTS, 999}) {
            JuteOutput out = new JuteOutput();
            new MultiHeader(type, false, -1).write(out);
            new CreateRequest("/x", null, OPEN, 0).write(out);
            MultiHeader.END.write(out);
            assertThatThrownBy(() -> Request.decode(OpCode.MULTI_READ, new JuteInput(out.toByteArray())))
                    .isInstanceOf(JuteException.class);
        }
    }

    @Test
    void multiWithoutTerminatorIsRejected() {
        byte[] full = Ref.ours(OUR_WRITES::write);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 9);
        assertThatThrownBy(() -> Request.decode(OpCode.MULTI, new JuteInput(cut)))
                .isInstanceOf(JuteException.class);
    }

    private static final MultiResponse OUR_RESULTS = new MultiResponse(List.of(
            new OpResult.CreateResult("/brokers/ids/1"),
            new OpResult.Create2Result("/ctr", STAT),
            new OpResult.DeleteResult(),
            new OpResult.SetDataResult(ZERO_STAT),
            new OpResult.CheckResult(),
            new OpResult.ErrorResult(0),
            new OpResult.ErrorResult(-101),
            new OpResult.ErrorResult(-2)));

    private static org.apache.zookeeper.MultiResponse referenceResults() {
        org.apache.zookeeper.MultiResponse r = new org.apache.zookeeper.MultiResponse();
        r.add(new org.apache.zookeeper.OpResult.CreateResult("/brokers/ids/1"));
        r.add(new org.apache.zookeeper.OpResult.CreateResult("/ctr", Ref.stat(STAT)));
        r.add(new org.apache.zookeeper.OpResult.DeleteResult());
        r.add(new org.apache.zookeeper.OpResult.SetDataResult(Ref.stat(ZERO_STAT)));
        r.add(new org.apache.zookeeper.OpResult.CheckResult());
        r.add(new org.apache.zookeeper.OpResult.ErrorResult(0));
        r.add(new org.apache.zookeeper.OpResult.ErrorResult(-101));
        r.add(new org.apache.zookeeper.OpResult.ErrorResult(-2));
        return r;
    }

    @Test
    void referenceClientReadsOurMultiResponse() {
        byte[] ours = Ref.ours(OUR_RESULTS::write);
        org.apache.zookeeper.MultiResponse decoded = Ref.read(ours, new org.apache.zookeeper.MultiResponse());
        assertThat(decoded.getResultList()).containsExactlyElementsOf(referenceResults().getResultList());
        assertThat(ours).isEqualTo(Ref.bytes(referenceResults()));
    }

    @Test
    void errorResultHeaderCarriesTheCode() throws Exception {
        byte[] ours = Ref.ours(new MultiResponse(List.of(new OpResult.ErrorResult(-110)))::write);
        MultiHeader h = MultiHeader.read(new JuteInput(ours));
        assertThat(h).isEqualTo(new MultiHeader(-1, false, -110));
    }

    @Test
    void decodesReferenceMultiResponse() throws Exception {
        MultiResponse decoded = MultiResponse.read(new JuteInput(Ref.bytes(referenceResults())));
        assertThat(decoded).usingRecursiveComparison().isEqualTo(OUR_RESULTS);
    }

    @Test
    void multiReadResponseRoundTripsWithReference() throws Exception {
        MultiReadResponse ours = new MultiReadResponse(List.of(
                new OpResult.GetDataResult(DATA, STAT),
                new OpResult.GetDataResult(null, ZERO_STAT),
                new OpResult.GetChildrenResult(List.of("a", "b")),
                new OpResult.GetChildrenResult(List.of()),
                new OpResult.ErrorResult(-101)));
        org.apache.zookeeper.MultiResponse ref = new org.apache.zookeeper.MultiResponse();
        ref.add(new org.apache.zookeeper.OpResult.GetDataResult(DATA, Ref.stat(STAT)));
        ref.add(new org.apache.zookeeper.OpResult.GetDataResult(null, Ref.stat(ZERO_STAT)));
        ref.add(new org.apache.zookeeper.OpResult.GetChildrenResult(List.of("a", "b")));
        ref.add(new org.apache.zookeeper.OpResult.GetChildrenResult(List.of()));
        ref.add(new org.apache.zookeeper.OpResult.ErrorResult(-101));

        byte[] bytes = Ref.ours(ours::write);
        assertThat(bytes).isEqualTo(Ref.bytes(ref));
        assertThat(Ref.read(bytes, new org.apache.zookeeper.MultiResponse()).getResultList())
                .containsExactlyElementsOf(ref.getResultList());
        assertThat(MultiReadResponse.read(new JuteInput(Ref.bytes(ref))))
                .usingRecursiveComparison().isEqualTo(ours);
    }

    @Test
    void unknownResultTypeIsRejected() {
        JuteOutput out = new JuteOutput();
        new MultiHeader(OpCode.EXISTS, false, 0).write(out);
        Samples.STAT.write(out);
        MultiHeader.END.write(out);
        assertThatThrownBy(() -> MultiResponse.read(new JuteInput(out.toByteArray())))
                .isInstanceOf(JuteException.class);
    }
}
