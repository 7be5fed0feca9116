package dev.lanechat.server.tasks;

import dev.lanechat.server.files.FileInfo;
import java.util.List;

/** The answer of a completed task, as tasks and {@code task.completed} events carry it. */
public record TaskResult(String content, String model, double costUsd, List<FileInfo> files) {}
