package dev.triage.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookDefaults;

/**
 * Real error messages, as the servers and drivers print them (texts and codes from the
 * PostgreSQL error-code appendix, the MySQL server and client error references, MongoDB's
 * error_codes list and driver exception names, Redis' shared error replies in server.c, and the
 * runtimes, proxies and Kubernetes), each with the root cause that must rank first. Prints the hit
 * rate; anything below 100 % fails. Each first cause must also be a confident one (strong): these
 * are specific messages, and a generic guess would be the wrong answer to them.
 */
class RealErrorMessagesTest {

    private static final List<Playbook> CATALOGUE = PlaybookDefaults.load();

    /** One message: the context's database, the cause that must rank first, the text, where it comes from. */
    record Case(String database, String expected, String message, String source) {
    }

    static final List<Case> CASES = List.of(
            // PostgreSQL (server texts with their SQLSTATE, as psycopg, pgx, pgjdbc and psql print them)
            pg("deadlock", "psycopg.errors.DeadlockDetected: deadlock detected\nDETAIL:  Process 4711 waits for ShareLock on"
                    + " transaction 90211; blocked by process 4712. (SQLSTATE 40P01)", "errcodes 40P01 deadlock_detected, psycopg"),
            pg("deadlock", "ERROR: could not serialize access due to concurrent update (SQLSTATE 40001)", "errcodes 40001 serialization_failure, pgx"),
            pg("slow-query", "org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout",
                    "errcodes 57014 query_canceled, pgjdbc"),
            pg("lock-contention", "ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)", "errcodes 55P03 lock_not_available"),
            pg("lock-contention", "psycopg.errors.LockNotAvailable: could not obtain lock on row in relation \"orders\"",
                    "errcodes 55P03 (SELECT ... FOR UPDATE NOWAIT), psycopg"),
            pg("connection-leak", "FATAL: terminating connection due to idle-in-transaction timeout (SQLSTATE 25P03)",
                    "errcodes 25P03 idle_in_transaction_session_timeout"),
            pg("replication-lag", "ERROR: canceling statement due to conflict with recovery\nDETAIL:  User query might have"
                    + " needed to see row versions that must be removed. (SQLSTATE 40001)", "hot standby conflict, PostgreSQL docs"),
            pg("pool-exhausted", "io.vertx.pgclient.PgException: FATAL: sorry, too many clients already (53300)", "errcodes 53300 too_many_connections"),
            pg("authentication", "FATAL: password authentication failed for user \"app\" (SQLSTATE 28P01)", "errcodes 28P01 invalid_password"),
            pg("service-down", "psycopg.OperationalError: connection failed: connection to server at \"10.0.0.5\", port 5432"
                    + " failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?", "libpq, psycopg"),
            pg("resource-exhaustion", "ERROR: could not extend file \"base/16384/16385\": No space left on device (SQLSTATE 53100)",
                    "errcodes 53100 disk_full"),
            pg("read-only", "ERROR: cannot execute UPDATE in a read-only transaction (SQLSTATE 25006)", "errcodes 25006 read_only_sql_transaction"),
            pg("dns", "psql: error: could not translate host name \"db.internal\" to address: Name or service not known", "libpq"),
            pg("pool-exhausted", "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request"
                    + " timed out after 30000ms.", "HikariCP"),
            pg("connection-leak", "WARN  com.zaxxer.hikari.pool.ProxyLeakTask - Connection leak detection triggered for"
                    + " org.postgresql.jdbc.PgConnection@5b6e8f77 on thread http-nio-8080-exec-3, stack trace follows", "HikariCP leak detection"),
            pg("schema-mismatch", "ERROR: relation \"orders\" does not exist (SQLSTATE 42P01)", "errcodes 42P01 undefined_table"),
            pg("service-down", "FATAL: the database system is starting up (SQLSTATE 57P03)", "errcodes 57P03 cannot_connect_now"),

            // MySQL (server errors 1xxx/3xxx and client errors 2xxx, as the mysql client, PyMySQL, Go and PDO print them)
            my("lock-contention", "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction", "server error 1205 ER_LOCK_WAIT_TIMEOUT"),
            my("deadlock", "pymysql.err.OperationalError: (1213, 'Deadlock found when trying to get lock; try restarting transaction')",
                    "server error 1213 ER_LOCK_DEADLOCK, PyMySQL"),
            my("pool-exhausted", "ERROR 1040 (08004): Too many connections", "server error 1040 ER_CON_COUNT_ERROR"),
            my("authentication", "ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.7' (using password: YES)",
                    "server error 1045 ER_ACCESS_DENIED_ERROR"),
            my("read-only", "ERROR 1290 (HY000): The MySQL server is running with the --read-only option so it cannot execute this"
                    + " statement", "server error 1290 ER_OPTION_PREVENTS_STATEMENT"),
            my("service-down", "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)",
                    "client error 2002 CR_CONNECTION_ERROR"),
            my("service-down", "ERROR 2003 (HY000): Can't connect to MySQL server on 'db.internal:3306' (111)", "client error 2003 CR_CONN_HOST_ERROR"),
            my("network", "ERROR 2013 (HY000): Lost connection to MySQL server during query", "client error 2013 CR_SERVER_LOST"),
            my("slow-query", "ERROR 3024 (HY000): Query execution was interrupted, maximum statement execution time exceeded",
                    "server error 3024 ER_QUERY_TIMEOUT"),
            my("resource-exhaustion", "ERROR 1021 (HY000): Disk full (/tmp/#sql_1a2b_0.MAI); waiting for someone to free some space...",
                    "server error 1021 ER_DISK_FULL"),
            my("read-only", "Error 1792 (25006): Cannot execute statement in a READ ONLY transaction.",
                    "server error 1792 ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, go-sql-driver"),
            my("dns", "ERROR 2005 (HY000): Unknown MySQL server host 'db.internal' (-2)", "client error 2005 CR_UNKNOWN_HOST"),
            my("schema-mismatch", "ERROR 1146 (42S02): Table 'shop.orders' doesn't exist", "server error 1146 ER_NO_SUCH_TABLE"),
            my("rate-limit", "ERROR 1226 (42000): User 'app' has exceeded the 'max_questions' resource (current value: 10000)",
                    "server error 1226 ER_USER_LIMIT_REACHED"),
            my("tls", "ERROR 3159 (HY000): Connections using insecure transport are prohibited while --require_secure_transport=ON.",
                    "server error 3159 ER_SECURE_TRANSPORT_REQUIRED"),
            my("service-down", "PDOException: SQLSTATE[HY000] [2002] Connection refused", "client error 2002 through PHP PDO"),
            my("pool-exhausted", "Error 1203 (42000): User app already has more than 'max_user_connections' active connections",
                    "server error 1203 ER_TOO_MANY_USER_CONNECTIONS"),
            my("network", "Error: Connection lost: The server closed the connection. code: 'PROTOCOL_CONNECTION_LOST'",
                    "mysql2 (Node.js)"),

            // MongoDB (server error codes and code names, as PyMongo, the Java and Node.js drivers print them)
            mo("service-down", "pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused",
                    "PyMongo server selection"),
            mo("read-only", "pymongo.errors.NotPrimaryError: not primary, full error: {'ok': 0.0, 'errmsg': 'not primary',"
                    + " 'code': 10107, 'codeName': 'NotWritablePrimary'}", "error code 10107 NotWritablePrimary"),
            mo("authentication", "com.mongodb.MongoCommandException: Command failed with error 18 (AuthenticationFailed):"
                    + " 'Authentication failed.' on server db-0:27017.", "error code 18 AuthenticationFailed, Java driver"),
            mo("authentication", "MongoServerError: not authorized on orders to execute command { find: \"orders\", filter: {},"
                    + " $db: \"orders\" } code: 13", "error code 13 Unauthorized, Node.js driver"),
            mo("service-down", "Command failed with error 11600 (InterruptedAtShutdown): 'interrupted at shutdown' on server db-0:27017",
                    "error code 11600 InterruptedAtShutdown"),
            mo("slow-query", "com.mongodb.MongoExecutionTimeoutException: Command failed with error 50 (MaxTimeMSExpired):"
                    + " 'operation exceeded time limit' on server db-0:27017.", "error code 50 MaxTimeMSExpired"),
            mo("replication-lag", "pymongo.errors.WriteConcernError: waiting for replication timed out, full error: {'code': 64,"
                    + " 'codeName': 'WriteConcernFailed', 'errmsg': 'waiting for replication timed out', 'errInfo': {'wtimeout': True}}",
                    "error code 64 WriteConcernFailed"),
            mo("deadlock", "MongoServerError: WriteConflict error: this operation conflicted with another operation. Please retry"
                    + " your operation or multi-document transaction. code: 112", "error code 112 WriteConflict"),
            mo("pool-exhausted", "com.mongodb.MongoWaitQueueFullException: Too many threads are already waiting for a connection."
                    + " Max number of threads (maxWaitQueueSize) of 500 has been exceeded.", "Java driver wait queue"),
            mo("dns", "MongoServerSelectionError: getaddrinfo ENOTFOUND mongo-0.mongo.default.svc.cluster.local", "Node.js driver"),
            mo("tls", "pymongo.errors.ServerSelectionTimeoutError: db-0:27017: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify"
                    + " failed: self signed certificate in certificate chain", "PyMongo over TLS"),
            mo("lock-contention", "Command failed with error 24 (LockTimeout): 'Unable to acquire IX lock on '{4611686018427387905:"
                    + " Database, 1450}' within 5ms'", "error code 24 LockTimeout"),
            mo("network", "MongoNetworkTimeoutError: connection 3 to 10.0.0.12:27017 timed out", "Node.js driver"),
            mo("read-only", "Command failed with error 189 (PrimarySteppedDown): 'Primary stepped down while waiting for"
                    + " replication'", "error code 189 PrimarySteppedDown"),
            mo("resource-exhaustion", "WiredTiger error (28) [1700000000:1][1:0x7f]: __posix_file_write, 616:"
                    + " /data/db/journal/WiredTigerLog.0000000003: handle-write: pwrite: failed to write 128 bytes at offset 0:"
                    + " No space left on device", "mongod log, ENOSPC"),

            // Redis (error replies from server.c, as redis-cli, redis-py, Jedis, ioredis and Lettuce show them)
            re("read-only", "redis.clients.jedis.exceptions.JedisDataException: READONLY You can't write against a read only replica.",
                    "shared.roslaveerr, Jedis"),
            re("resource-exhaustion", "ReplyError: OOM command not allowed when used memory > 'maxmemory'.", "shared.oomerr, ioredis"),
            re("service-down", "LOADING Redis is loading the dataset in memory", "shared.loadingerr"),
            re("authentication", "NOAUTH Authentication required.", "shared.noautherr"),
            re("authentication", "WRONGPASS invalid username-password pair or user is disabled.", "ACL AUTH failure"),
            re("service-down", "CLUSTERDOWN The cluster is down", "cluster state fail"),
            re("resource-exhaustion", "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to"
                    + " disk. Commands that may modify the data set are disabled.", "shared.bgsaveerr"),
            re("pool-exhausted", "ERR max number of clients reached", "maxclients"),
            re("service-down", "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.", "redis-py"),
            re("network", "redis.exceptions.TimeoutError: Timeout reading from socket", "redis-py"),
            re("slow-query", "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", "shared.slowevalerr"),
            re("replication-lag", "NOREPLICAS Not enough good replicas to write.", "shared.noreplicaserr (min-replicas-to-write)"),
            re("replication-lag", "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", "shared.masterdownerr"),
            re("dns", "[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-master", "ioredis"),
            re("network", "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 minute(s)", "Lettuce"),

            // The application and what stands in front of it
            app("app-memory", "Exception in thread \"http-nio-8080-exec-7\" java.lang.OutOfMemoryError: Java heap space", "JVM"),
            app("app-memory", "java.lang.OutOfMemoryError: GC overhead limit exceeded", "JVM"),
            app("app-memory", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "Node.js (V8)"),
            app("app-memory", "Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137", "kubectl describe pod"),
            app("app-memory", "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)", "PHP"),
            app("app-memory", "fatal error: runtime: out of memory", "Go runtime"),
            app("app-memory", "Traceback (most recent call last):\n  File \"worker.py\", line 42, in load\nMemoryError", "Python"),
            app("rate-limit", "HTTP 429 Too Many Requests", "RFC 6585"),
            app("rate-limit", "botocore.exceptions.ClientError: An error occurred (ThrottlingException) when calling the Query"
                    + " operation: Rate exceeded", "AWS SDK"),
            app("rate-limit", "io.grpc.StatusRuntimeException: RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'",
                    "gRPC status 8"),
            app("upstream-failure", "upstream prematurely closed connection while reading response header from upstream, client:"
                    + " 10.0.0.3, server: api.example.com, request: \"GET /orders HTTP/1.1\"", "nginx 502"),
            app("upstream-failure", "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
                    "Envoy 503"),
            app("upstream-failure", "upstream timed out (110: Connection timed out) while reading response header from upstream",
                    "nginx 504"),
            app("upstream-failure", "503 Service Unavailable: no healthy upstream", "Envoy"),
            app("upstream-failure", "connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.3",
                    "nginx 502"),
            app("upstream-failure", "org.springframework.web.client.HttpServerErrorException$GatewayTimeout: 504 Gateway Timeout",
                    "Spring RestTemplate"));

    @Test
    void everyRealMessageRanksItsCauseFirstAndConfidently() {
        Map<String, int[]> byDatabase = new LinkedHashMap<>();
        List<String> misses = new ArrayList<>();
        int hits = 0;
        for (Case c : CASES) {
            RootCauseRanker.Ranking ranking = RootCauseRanker.rank(context(c.database(), c.message()), CATALOGUE);
            RootCauseRanker.Ranked top = ranking.top();
            boolean hit = top.playbook().id().equals(c.expected())
                    && ranking.confidence() == RootCauseRanker.Confidence.STRONG;
            int[] tally = byDatabase.computeIfAbsent(c.database() == null ? "application" : c.database(), k -> new int[2]);
            tally[1]++;
            if (hit) {
                hits++;
                tally[0]++;
            } else {
                misses.add(String.format("  expected %s, got %s (%s, score %d, matched %s; second %s=%d)%n    %s [%s]",
                        c.expected(), top.playbook().id(), ranking.confidence().id(), top.score(), top.matched(),
                        ranking.causes().get(1).playbook().id(), ranking.causes().get(1).score(),
                        c.message().replace("\n", "\\n"), c.source()));
            }
        }
        double rate = 100.0 * hits / CASES.size();
        StringBuilder report = new StringBuilder(String.format("[ranking] real error messages: %d of %d first and strong,"
                + " hit rate %.1f %%%n", hits, CASES.size(), rate));
        byDatabase.forEach((db, t) -> report.append(String.format("[ranking]   %-12s %d/%d%n", db, t[0], t[1])));
        misses.forEach(m -> report.append("[ranking] MISS").append(m).append('\n'));
        System.out.print(report);
        assertTrue(CASES.size() >= 60, "at least 60 messages");
        byDatabase.forEach((db, t) -> assertTrue(t[1] >= 10, db + " has at least 10 messages"));
        assertEquals(CASES.size(), hits, report::toString);
    }

    static IncidentContext context(String database, String errorMessage) {
        return new IncidentContext("API failing", errorMessage, null, null, null, null, null, null,
                database == null ? null : DatabaseKind.fromId(database), null, null).withDefaults();
    }

    private static Case pg(String expected, String message, String source) {
        return new Case("postgresql", expected, message, source);
    }

    private static Case my(String expected, String message, String source) {
        return new Case("mysql", expected, message, source);
    }

    private static Case mo(String expected, String message, String source) {
        return new Case("mongodb", expected, message, source);
    }

    private static Case re(String expected, String message, String source) {
        return new Case("redis", expected, message, source);
    }

    private static Case app(String expected, String message, String source) {
        return new Case(null, expected, message, source);
    }
}
