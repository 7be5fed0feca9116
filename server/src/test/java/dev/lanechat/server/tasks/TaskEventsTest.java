package dev.lanechat.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.json.Json;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code task.completed} data written field by field is the text the server's mapper made of
 * the event's map before (issue 15: the same wire output, protocol.md): for plain answers, for
 * text that needs escaping (quotes, backslashes, control characters, non-ASCII, surrogate pairs),
 * for a missing model, for costs of every shape and for an answer with files.
 */
class TaskEventsTest {
    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void theWrittenDataIsTheMappersTextOfTheEventsMap() throws Exception {
        Claim task = new Claim("t-1", "lease", "u-1", "c-1", "m-1", "demo", 1);
        List<TaskResult> results = List.of(
                new TaskResult("Echo: hello", "demo-echo", 0, List.of()),
                new TaskResult("", null, 0.0001, List.of()),
                new TaskResult(
                        "quote \" backslash \\ slash / tab \t newline \n cr \r bell \u0007 nul \u0000 del \u007f",
                        "m",
                        1.5e-12,
                        List.of()),
                new TaskResult("é ü 日本語 emoji 😀 lone \ud800 line sep \u2028", "gpt-4o", 12345.678, List.of()),
                new TaskResult(
                        "with files",
                        "worker",
                        -0.0,
                        List.of(
                                FileInfo.of("f-1", "a \"b\".png", 12, "image/png"),
                                FileInfo.of("f-2", "notes.txt", 0, "text/plain; charset=utf-8"))),
                new TaskResult("big", "m", Double.MAX_VALUE, List.of()),
                new TaskResult("int-like", "m", 3.0, List.of()));
        for (TaskResult result : results) {
            assertThat(written(task, result)).isEqualTo(mapped(task, result));
        }
        assertThat(written(task, results.get(0)))
                .isEqualTo("{\"type\":\"task.completed\",\"task_id\":\"t-1\",\"conversation_id\":\"c-1\","
                        + "\"message_id\":\"m-1\",\"lane\":\"demo\",\"result\":{\"content\":\"Echo: hello\","
                        + "\"model\":\"demo-echo\",\"cost_usd\":0.0,\"files\":[]}}");
    }

    /** What the completion wrote before: the event's map through the mapper. */
    private String mapped(Claim task, TaskResult result) throws Exception {
        Map<String, Object> data = TaskEvents.eventData("task.completed", task);
        data.put("result", result);
        return mapper.writeValueAsString(data);
    }

    private String written(Claim task, TaskResult result) throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = mapper.createGenerator(text)) {
            TaskEvents.writeCompleted(g, task, result);
        }
        return text.toString();
    }
}
