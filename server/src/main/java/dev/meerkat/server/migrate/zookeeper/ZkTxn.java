package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;

import java.util.List;

/**
 * One record of a ZooKeeper transaction log, as {@code zookeeper.jute} defines it (module
 * {@code org.apache.zookeeper.txn}). {@link #type()} is the opcode the record was logged under,
 * since several opcodes share a record (create and create2; delete and deleteContainer; setData and
 * reconfig) and replay differs between them.
 */
public sealed interface ZkTxn {

    int type();

    /** {@code TxnHeader}: who, which request, the zxid, the leader's time, the opcode. */
    record Header(long clientId, int cxid, long zxid, long time, int type) {
    }

    /** {@code TxnDigest}: ZooKeeper's tree digest after the transaction (3.6+). */
    record Digest(int version, long treeDigest) {
    }

    /** A whole log entry: header, the record (null for a closeSession without one), digest or null. */
    record Entry(Header header, ZkTxn txn, Digest digest) {
    }

    /**
     * create (1) and create2 (15): {@code CreateTxn}, or {@code CreateTxnV0} from ZooKeeper 3.2 and
     * older, which has no parentCVersion (-1 then: replay takes the parent's cversion plus one).
     * createContainer (19) and createTTL (21) have records of their own without the ephemeral flag;
     * here they carry ephemeral false and, for TTL nodes, the TTL.
     */
    record Create(int type, String path, byte[] data, List<Acl> acl, boolean ephemeral, int parentCVersion, long ttl)
            implements ZkTxn {
    }

    /** delete (2) and deleteContainer (20): {@code DeleteTxn}. */
    record Delete(int type, String path) implements ZkTxn {
    }

    /** setData (5) and reconfig (16): {@code SetDataTxn}; version is the node's new version. */
    record SetData(int type, String path, byte[] data, int version) implements ZkTxn {
    }

    /** setACL (7): {@code SetACLTxn}; version is the node's new aversion. */
    record SetAcl(String path, List<Acl> acl, int version) implements ZkTxn {
        public int type() {
            return ZkOpCodes.SET_ACL;
        }
    }

    /** check (13), only inside a multi; changes nothing. */
    record Check(String path, int version) implements ZkTxn {
        public int type() {
            return ZkOpCodes.CHECK;
        }
    }

    /** createSession (-10): {@code CreateSessionTxn}. */
    record CreateSession(int timeoutMs) implements ZkTxn {
        public int type() {
            return ZkOpCodes.CREATE_SESSION;
        }
    }

    /** closeSession (-11): {@code CloseSessionTxn} (3.6+) lists the ephemerals to delete; null before. */
    record CloseSession(List<String> pathsToDelete) implements ZkTxn {
        public int type() {
            return ZkOpCodes.CLOSE_SESSION;
        }
    }

    /** error (-1): {@code ErrorTxn}; a failed request that still took a zxid. */
    record Error(int err) implements ZkTxn {
        public int type() {
            return ZkOpCodes.ERROR;
        }
    }

    /**
     * multi (14): {@code MultiTxn}, each op with its own type and encoded record. They stay encoded
     * because ZooKeeper decodes them only when the multi succeeded (a failed one holds error records).
     */
    record Multi(List<Op> ops) implements ZkTxn {
        public int type() {
            return ZkOpCodes.MULTI;
        }
    }

    /** One op of a multi: {@code Txn {int type; buffer data}}. */
    record Op(int type, byte[] data) {
    }
}
