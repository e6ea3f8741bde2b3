using System.Collections.Immutable;

namespace Gateway.AutoClip;

// What an AutoCLIP bucket writes to its journal, and the messages only the front and the buckets
// exchange. Numbers are E.164 digits (see AutoClipNumber), times Unix milliseconds.

/// <summary>An event in a bucket's journal; replaying them in order rebuilds its <see cref="AutoClipStore"/>.</summary>
public interface IAutoClipEvent : IAutoClipSerializable;

/// <summary>A user's send was recorded: <see cref="AutoClipStore.Record"/> with these values.</summary>
public sealed record AutoClipWritten(long Number, string Module, string User, long AtMs) : IAutoClipEvent;

/// <summary>One (number, module) key.</summary>
public readonly record struct AutoClipKey(long Number, string Module);

/// <summary>These records expired and were forgotten (at most <see cref="AutoClipBucket.MaxKeysPerExpiry"/> per event).</summary>
public sealed record AutoClipsExpired(ImmutableArray<AutoClipKey> Keys, long AtMs) : IAutoClipEvent;

/// <summary>An operator deleted this record.</summary>
public sealed record AutoClipErased(long Number, string Module, long AtMs) : IAutoClipEvent;

/// <summary>A bucket's whole store as <see cref="AutoClipStore.ExportSnapshot"/> wrote it, taken in the actor so later changes cannot reach it.</summary>
public sealed record AutoClipSnapshot(ImmutableArray<byte> Data) : IAutoClipSerializable;

/// <summary>Starts bucket <see cref="Bucket"/> if it is not running (every node sends it for every bucket at start). No reply.</summary>
public sealed record WakeAutoClipBucket(int Bucket) : IAutoClipSerializable;

/// <summary>One bucket's part of a <see cref="ListAutoClip"/>; replies <see cref="AutoClipList"/>.</summary>
public sealed record ListAutoClipBucket(int Bucket, ListAutoClip Query) : IAutoClipSerializable;
