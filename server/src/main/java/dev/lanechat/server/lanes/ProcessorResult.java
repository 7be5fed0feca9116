package dev.lanechat.server.lanes;

import dev.lanechat.server.files.NewFile;
import java.util.List;

/** A processor's answer. */
public record ProcessorResult(String content, String model, double costUsd, List<NewFile> files) {}
