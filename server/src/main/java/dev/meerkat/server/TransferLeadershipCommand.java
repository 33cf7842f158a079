package dev.meerkat.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code meerkat transfer-leadership}: moves an ensemble's leadership before maintenance, through
 * any server's AdminServer ({@code POST /commands/transfer_leadership}).
 */
@Command(name = "transfer-leadership", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Move the ensemble's leadership to another server (before taking the leader down).")
final class TransferLeadershipCommand implements Callable<Integer> {

    @Option(names = "--admin", required = true, paramLabel = "http://host:port",
            description = "The AdminServer of any server of the ensemble (admin.serverAddress:admin.serverPort).")
    String admin;

    @Option(names = "--to", paramLabel = "ID", defaultValue = "0",
            description = "The id of the server to lead; 0 (the default) picks the most up-to-date one.")
    long target;

    @Option(names = "--auth", paramLabel = "SCHEME ID",
            description = "The Authorization header, as for ZooKeeper's admin commands that change state (default: ip).")
    String auth = "ip";

    @Option(names = "--command-url", defaultValue = "/commands", description = "admin.commandURL of that server.")
    String commandUrl;

    @Override
    public Integer call() throws Exception {
        String base = admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin;
        URI uri = URI.create(base + commandUrl + "/transfer_leadership?target=" + target);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(response.body());
        return response.statusCode() == 200 ? 0 : 1;
    }
}
