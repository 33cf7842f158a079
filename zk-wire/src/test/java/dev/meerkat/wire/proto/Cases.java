package dev.meerkat.wire.proto;

import static dev.meerkat.wire.proto.Samples.DATA;
import static dev.meerkat.wire.proto.Samples.MIXED;
import static dev.meerkat.wire.proto.Samples.OPEN;
import static dev.meerkat.wire.proto.Samples.STAT;
import static dev.meerkat.wire.proto.Samples.UNICODE_PATH;
import static dev.meerkat.wire.proto.Samples.ZERO_STAT;

import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.jute.JuteReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * One value per record and interesting shape, each paired with the same value built from
 * ZooKeeper's generated classes.
 */
final class Cases {
    private Cases() {
    }

    /** Our value, how we write it, how we read it back, and the reference bytes. */
    record Case(String name, Object value, Consumer<JuteOutput> writer, JuteReader<?> reader, byte[] refBytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case request(String name, Request ours, org.apache.jute.Record ref) {
        return new Case(name, ours, ours::write, in -> Request.decode(ours.opcode(), in), Ref.bytes(ref));
    }

    static Case request(String name, Request ours, byte[] refBytes) {
        return new Case(name, ours, ours::write, in -> Request.decode(ours.opcode(), in), refBytes);
    }

    static Case response(String name, Response ours, JuteReader<? extends Response> reader,
                         org.apache.jute.Record ref) {
        return new Case(name, ours, ours::write, reader, Ref.bytes(ref));
    }

    private static final byte[] EMPTY = new byte[0];

    static List<Case> requests() {
        List<Case> c = new ArrayList<>();
        c.add(request("create", new CreateRequest("/a/b", DATA, OPEN, 0),
                new org.apache.zookeeper.proto.CreateRequest("/a/b", DATA, Ref.acls(OPEN), 0)));
        c.add(request("create2 null data, empty acl", new CreateRequest(OpCode.CREATE2, "/c", null, List.of(), 3),
                new org.apache.zookeeper.proto.CreateRequest("/c", null, List.of(), 3)));
        c.add(request("createContainer", new CreateRequest(OpCode.CREATE_CONTAINER, "/ctr", new byte[0], MIXED, 4),
                new org.apache.zookeeper.proto.CreateRequest("/ctr", new byte[0], Ref.acls(MIXED), 4)));
        c.add(request("create null acl vector, unicode path", new CreateRequest(UNICODE_PATH, DATA, null, 1),
                new org.apache.zookeeper.proto.CreateRequest(UNICODE_PATH, DATA, null, 1)));
        c.add(request("create big data", new CreateRequest("/big", Samples.big(300_000), OPEN, 2),
                new org.apache.zookeeper.proto.CreateRequest("/big", Samples.big(300_000), Ref.acls(OPEN), 2)));
        c.add(request("createTTL", new CreateTTLRequest("/ttl", DATA, MIXED, 6, Long.MAX_VALUE),
                new org.apache.zookeeper.proto.CreateTTLRequest("/ttl", DATA, Ref.acls(MIXED), 6, Long.MAX_VALUE)));
        c.add(request("delete", new DeleteRequest("/a", -1),
                new org.apache.zookeeper.proto.DeleteRequest("/a", -1)));
        c.add(request("deleteContainer", new DeleteContainerRequest("/ctr"),
                new org.apache.zookeeper.DeleteContainerRequest("/ctr")));
        c.add(request("exists watch", new ExistsRequest("/controller", true),
                new org.apache.zookeeper.proto.ExistsRequest("/controller", true)));
        c.add(request("getData", new GetDataRequest("/brokers/ids/1", false),
                new org.apache.zookeeper.proto.GetDataRequest("/brokers/ids/1", false)));
        c.add(request("setData null data", new SetDataRequest("/x", null, Integer.MIN_VALUE),
                new org.apache.zookeeper.proto.SetDataRequest("/x", null, Integer.MIN_VALUE)));
        c.add(request("getACL", new GetACLRequest("/"), new org.apache.zookeeper.proto.GetACLRequest("/")));
        c.add(request("setACL", new SetACLRequest("/p", MIXED, 7),
                new org.apache.zookeeper.proto.SetACLRequest("/p", Ref.acls(MIXED), 7)));
        c.add(request("getChildren", new GetChildrenRequest("/brokers/ids", true),
                new org.apache.zookeeper.proto.GetChildrenRequest("/brokers/ids", true)));
        c.add(request("getChildren2", new GetChildren2Request("/brokers/topics", false),
                new org.apache.zookeeper.proto.GetChildren2Request("/brokers/topics", false)));
        c.add(request("sync", new SyncRequest("/s"), new org.apache.zookeeper.proto.SyncRequest("/s")));
        c.add(request("check", new CheckVersionRequest("/controller_epoch", 12),
                new org.apache.zookeeper.proto.CheckVersionRequest("/controller_epoch", 12)));
        c.add(request("reconfig null strings", new ReconfigRequest(null, "2,3", null, -1L),
                new org.apache.zookeeper.proto.ReconfigRequest(null, "2,3", null, -1L)));
        c.add(request("checkWatches", new CheckWatchesRequest("/w", 3),
                new org.apache.zookeeper.proto.CheckWatchesRequest("/w", 3)));
        c.add(request("removeWatches", new RemoveWatchesRequest("/w", 1),
                new org.apache.zookeeper.proto.RemoveWatchesRequest("/w", 1)));
        c.add(request("setWatches", new SetWatches(0x100000005L, List.of("/a", "/b"), List.of(), null),
                new org.apache.zookeeper.proto.SetWatches(0x100000005L, List.of("/a", "/b"), List.of(), null)));
        c.add(request("setWatches2",
                new SetWatches2(9L, List.of(), List.of("/e"), List.of("/c1", "/c2"), List.of("/p"), List.of("/r")),
                new org.apache.zookeeper.proto.SetWatches2(9L, List.of(), List.of("/e"), List.of("/c1", "/c2"),
                        List.of("/p"), List.of("/r"))));
        c.add(request("addWatch", new AddWatchRequest("/persist", 1),
                new org.apache.zookeeper.proto.AddWatchRequest("/persist", 1)));
        c.add(request("getEphemerals", new GetEphemeralsRequest("/brokers"),
                new org.apache.zookeeper.proto.GetEphemeralsRequest("/brokers")));
        c.add(request("getAllChildrenNumber", new GetAllChildrenNumberRequest("/"),
                new org.apache.zookeeper.proto.GetAllChildrenNumberRequest("/")));
        c.add(request("auth", new AuthPacket(0, "digest", "user:secret".getBytes()),
                new org.apache.zookeeper.proto.AuthPacket(0, "digest", "user:secret".getBytes())));
        c.add(request("auth null", new AuthPacket(0, null, null),
                new org.apache.zookeeper.proto.AuthPacket(0, null, null)));
        c.add(request("sasl", new SetSASLRequest(DATA), new org.apache.zookeeper.proto.SetSASLRequest(DATA)));
        c.add(request("ping", new PingRequest(), EMPTY));
        c.add(request("whoAmI", new WhoAmIRequest(), EMPTY));
        c.add(request("closeSession", new CloseSessionRequest(), EMPTY));
        c.add(request("empty multi", new MultiRequest(List.of()), new org.apache.zookeeper.MultiOperationRecord()));
        return c;
    }

    static List<Case> responses() {
        List<Case> c = new ArrayList<>();
        c.add(response("create", new CreateResponse("/config/changes/config_change_0000000007"),
                CreateResponse::read,
                new org.apache.zookeeper.proto.CreateResponse("/config/changes/config_change_0000000007")));
        c.add(response("create2", new Create2Response(UNICODE_PATH, STAT), Create2Response::read,
                new org.apache.zookeeper.proto.Create2Response(UNICODE_PATH, Ref.stat(STAT))));
        c.add(response("exists", new ExistsResponse(STAT), ExistsResponse::read,
                new org.apache.zookeeper.proto.ExistsResponse(Ref.stat(STAT))));
        c.add(response("setData", new SetDataResponse(ZERO_STAT), SetDataResponse::read,
                new org.apache.zookeeper.proto.SetDataResponse(Ref.stat(ZERO_STAT))));
        c.add(response("getData", new GetDataResponse(DATA, STAT), GetDataResponse::read,
                new org.apache.zookeeper.proto.GetDataResponse(DATA, Ref.stat(STAT))));
        c.add(response("getData null", new GetDataResponse(null, ZERO_STAT), GetDataResponse::read,
                new org.apache.zookeeper.proto.GetDataResponse(null, Ref.stat(ZERO_STAT))));
        c.add(response("getACL", new GetACLResponse(MIXED, STAT), GetACLResponse::read,
                new org.apache.zookeeper.proto.GetACLResponse(Ref.acls(MIXED), Ref.stat(STAT))));
        c.add(response("setACL", new SetACLResponse(STAT), SetACLResponse::read,
                new org.apache.zookeeper.proto.SetACLResponse(Ref.stat(STAT))));
        c.add(response("getChildren", new GetChildrenResponse(List.of("1", "2", UNICODE_PATH)),
                GetChildrenResponse::read,
                new org.apache.zookeeper.proto.GetChildrenResponse(List.of("1", "2", UNICODE_PATH))));
        c.add(response("getChildren empty", new GetChildrenResponse(List.of()), GetChildrenResponse::read,
                new org.apache.zookeeper.proto.GetChildrenResponse(List.of())));
        c.add(response("getChildren2", new GetChildren2Response(List.of("a"), STAT), GetChildren2Response::read,
                new org.apache.zookeeper.proto.GetChildren2Response(List.of("a"), Ref.stat(STAT))));
        c.add(response("sync", new SyncResponse("/s"), SyncResponse::read,
                new org.apache.zookeeper.proto.SyncResponse("/s")));
        c.add(response("getEphemerals", new GetEphemeralsResponse(List.of("/brokers/ids/1", "/controller")),
                GetEphemeralsResponse::read,
                new org.apache.zookeeper.proto.GetEphemeralsResponse(List.of("/brokers/ids/1", "/controller"))));
        c.add(response("getAllChildrenNumber", new GetAllChildrenNumberResponse(Integer.MAX_VALUE),
                GetAllChildrenNumberResponse::read,
                new org.apache.zookeeper.proto.GetAllChildrenNumberResponse(Integer.MAX_VALUE)));
        c.add(response("whoAmI",
                new WhoAmIResponse(List.of(new ClientInfo("ip", "127.0.0.1"), new ClientInfo("digest", null))),
                WhoAmIResponse::read,
                new org.apache.zookeeper.proto.WhoAmIResponse(List.of(
                        new org.apache.zookeeper.data.ClientInfo("ip", "127.0.0.1"),
                        new org.apache.zookeeper.data.ClientInfo("digest", null)))));
        c.add(response("whoAmI empty", new WhoAmIResponse(List.of()), WhoAmIResponse::read,
                new org.apache.zookeeper.proto.WhoAmIResponse(List.of())));
        c.add(response("sasl", new SetSASLResponse(null), SetSASLResponse::read,
                new org.apache.zookeeper.proto.SetSASLResponse(null)));
        c.add(response("addWatch reply", new ErrorResponse(0), ErrorResponse::read,
                new org.apache.zookeeper.proto.ErrorResponse(0)));
        c.add(new Case("empty", EmptyResponse.INSTANCE, EmptyResponse.INSTANCE::write, EmptyResponse::read, EMPTY));
        c.add(response("empty multi response", new MultiResponse(List.of()), MultiResponse::read,
                new org.apache.zookeeper.MultiResponse()));
        return c;
    }

    /** Data types, headers and handshake records. */
    static List<Case> others() {
        List<Case> c = new ArrayList<>();
        Id id = new Id("world", "anyone");
        c.add(new Case("Id", id, id::write, Id::read, Ref.bytes(Ref.id(id))));
        Id nullId = new Id(null, null);
        c.add(new Case("Id nulls", nullId, nullId::write, Id::read, Ref.bytes(Ref.id(nullId))));
        ACL acl = MIXED.get(0);
        c.add(new Case("ACL", acl, acl::write, ACL::read, Ref.bytes(Ref.acl(acl))));
        c.add(new Case("Stat", STAT, STAT::write, Stat::read, Ref.bytes(Ref.stat(STAT))));
        RequestHeader rq = new RequestHeader(-8, OpCode.SET_WATCHES);
        c.add(new Case("RequestHeader", rq, rq::write, RequestHeader::read,
                Ref.bytes(new org.apache.zookeeper.proto.RequestHeader(-8, 101))));
        ReplyHeader rp = new ReplyHeader(Integer.MAX_VALUE, Long.MIN_VALUE, -101);
        c.add(new Case("ReplyHeader", rp, rp::write, ReplyHeader::read,
                Ref.bytes(new org.apache.zookeeper.proto.ReplyHeader(Integer.MAX_VALUE, Long.MIN_VALUE, -101))));
        WatcherEvent ev = new WatcherEvent(1, 3, "/controller");
        c.add(new Case("WatcherEvent", ev, ev::write, WatcherEvent::read,
                Ref.bytes(new org.apache.zookeeper.proto.WatcherEvent(1, 3, "/controller"))));
        WatcherEvent nullPath = new WatcherEvent(-1, -112, null);
        c.add(new Case("WatcherEvent null path", nullPath, nullPath::write, WatcherEvent::read,
                Ref.bytes(new org.apache.zookeeper.proto.WatcherEvent(-1, -112, null))));
        dev.meerkat.wire.proto.MultiHeader mh = new dev.meerkat.wire.proto.MultiHeader(15, false, -1);
        c.add(new Case("MultiHeader", mh, mh::write, dev.meerkat.wire.proto.MultiHeader::read,
                Ref.bytes(new MultiHeader(15, false, -1))));
        c.add(new Case("MultiHeader end", dev.meerkat.wire.proto.MultiHeader.END,
                dev.meerkat.wire.proto.MultiHeader.END::write, dev.meerkat.wire.proto.MultiHeader::read,
                Ref.bytes(new MultiHeader(-1, true, -1))));
        return c;
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>(requests());
        c.addAll(responses());
        c.addAll(others());
        return c;
    }
}
