package dev.lanechat.server.lanes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.lanechat.server.lanes.OpenAiProcessor.EndpointUnavailable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The messages of an openai lane's failures, written for the person who reads them in the chat:
 * what went wrong at which endpoint, and which setting of the lane to check. A failure that another
 * attempt may mend is an {@link EndpointUnavailable}; one it will not is a {@link ProcessingFailed}.
 */
final class OpenAiErrors {
    private final URI endpoint;
    private final Duration timeout;
    private final String model;
    private final boolean sendsKey;
    private final String apiKeyEnv;
    private final ObjectReader json;

    OpenAiErrors(URI endpoint, Duration timeout, String model, boolean sendsKey, String apiKeyEnv, ObjectReader json) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.model = model;
        this.sendsKey = sendsKey;
        this.apiKeyEnv = apiKeyEnv;
        this.json = json;
    }

    EndpointUnavailable notInTime() {
        return unavailable("the model endpoint at " + endpoint + " did not answer within " + timeout.toSeconds()
                + " s (the lane's timeout_s)");
    }

    EndpointUnavailable unfinished() {
        return unavailable("the model endpoint at " + endpoint + " did not finish its answer within "
                + timeout.toSeconds() + " s (the lane's timeout_s)");
    }

    EndpointUnavailable stalled(Duration stall) {
        return unavailable("the model endpoint at " + endpoint + " stopped sending its answer (nothing for "
                + stall.toSeconds() + " s)");
    }

    EndpointUnavailable notJson(String what) {
        return unavailable("the model endpoint at " + endpoint + " " + what);
    }

    EndpointUnavailable keptFailing(int status, int tries, String body) {
        return unavailable((status == 429
                        ? "the model endpoint kept refusing with 429 (rate limited or out of quota) after "
                        : "the model endpoint kept failing with " + status + " after ")
                + tries + " tries: " + message(body));
    }

    EndpointUnavailable failedMidway(String data) {
        return unavailable("the model endpoint failed in the middle of its answer: " + message(data));
    }

    /** A body that broke off: a cancel stays a cancel. */
    Exception brokeOff(Throwable cause) {
        if (cause instanceof CancellationException) {
            return new InterruptedException("cancelled");
        }
        if (cause instanceof HttpTimeoutException) {
            return notInTime();
        }
        String why = cause == null || cause.getMessage() == null
                ? (cause == null ? "closed" : cause.getClass().getSimpleName())
                : cause.getMessage();
        return unavailable("the model endpoint at " + endpoint + " broke off its answer: " + why);
    }

    /** A call that got no answer at all: why, in a person's words. */
    Exception unreachable(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return unavailable("cannot reach the model endpoint at " + endpoint + ": the connection timed out");
        }
        if (cause instanceof HttpTimeoutException) {
            return notInTime();
        }
        String why = null;
        Throwable root = cause;
        for (Throwable t = cause; t != null && why == null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                why = "unknown host " + endpoint.getHost();
            } else if (t instanceof ConnectException) {
                why = "connection refused";
            }
        }
        if (why == null) {
            why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
        return unavailable("cannot reach the model endpoint at " + endpoint + ": " + why);
    }

    /** A 4xx answer other than 429: the request will not succeed by trying it again. */
    ProcessingFailed refused(int status, String body) {
        String message = message(body);
        if (status == 401 || status == 403) {
            String hint = !sendsKey
                    ? (apiKeyEnv == null
                            ? " (the lane sends no key: set api_key_env)"
                            : " (" + apiKeyEnv + " is not set)")
                    : " (check " + (apiKeyEnv == null ? "the key" : apiKeyEnv) + ")";
            return new ProcessingFailed("the model endpoint refused the API key (" + status + "): " + message + hint);
        }
        if (status == 404 || "model_not_found".equals(code(body))) {
            return new ProcessingFailed("the model endpoint does not know the model '" + model + "' (" + status + "): "
                    + message + " (check the lane's model and base_url)");
        }
        return new ProcessingFailed("the model endpoint rejected the request (" + status + "): " + message);
    }

    /** The {@code error.message} of an OpenAI-style error body, or a short excerpt of another body. */
    String message(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.path("message").isTextual()) {
                return error.path("message").asText();
            }
            if (error.isTextual()) {
                return error.asText(); // Ollama and llama.cpp answer {"error": "..."}
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the excerpt
        }
        return excerpt(body);
    }

    static String excerpt(String body) {
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "(no message)" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private String code(String body) {
        try {
            JsonNode code = json.readTree(body).path("error").path("code");
            return code.isTextual() ? code.asText() : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private static EndpointUnavailable unavailable(String message) {
        return new EndpointUnavailable(message);
    }
}
