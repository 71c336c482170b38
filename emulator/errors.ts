/**
 * The one error type of the local ECS endpoint: an HTTP status, an Alibaba Cloud error code and its
 * message, with one named constructor per code that a request can provoke (texts as the ECS documents
 * give them).
 */
export class EcsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EcsError";
  }

  static missingParameter(name: string): EcsError {
    return new EcsError(
      400,
      "MissingParameter",
      `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
    );
  }

  static invalidParameter(name: string): EcsError {
    return new EcsError(400, "InvalidParameter", `The specified parameter "${name}" is not valid.`);
  }

  static actionNotFound(): EcsError {
    return new EcsError(
      404,
      "InvalidAction.NotFound",
      "Specified api is not found, please check your url and method.",
    );
  }

  static invalidVersion(): EcsError {
    return new EcsError(400, "InvalidVersion", "Specified parameter Version is not valid.");
  }

  // Authentication

  static signatureDoesNotMatch(): EcsError {
    return new EcsError(
      400,
      "SignatureDoesNotMatch",
      "Specified signature is not matched with our calculation.",
    );
  }

  static incompleteSignature(): EcsError {
    return new EcsError(
      400,
      "IncompleteSignature",
      "The request signature does not conform to Aliyun standards.",
    );
  }

  static accessKeyNotFound(): EcsError {
    return new EcsError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  }

  static signatureNonceUsed(): EcsError {
    return new EcsError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
  }

  static timestampExpired(): EcsError {
    return new EcsError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
  }

  static timestampMalformed(): EcsError {
    return new EcsError(
      400,
      "InvalidTimeStamp.Format",
      "Specified time stamp or date value is not well formatted.",
    );
  }

  // Policy parameters

  static regionIdInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified RegionId parameter is invalid.");
  }

  static timePointsInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified TimePoints parameter is invalid.");
  }

  static repeatWeekdaysInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified RepeatWeekDays parameter is invalid.");
  }

  static retentionDaysInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified RetentionDays parameter is invalid.");
  }

  static policyNameMalformed(): EcsError {
    return new EcsError(
      400,
      "InvalidSnapshotPolicyName.Malformed",
      "The specified autoSnapshotPolicyName is wrongly formed.",
    );
  }

  static targetCopyRegionsInvalid(): EcsError {
    return new EcsError(
      403,
      "InvalidParameter.TargetCopyRegions",
      "The specified TargetCopyRegions is invalid.",
    );
  }

  static copiedSnapshotsRetentionDaysInvalid(): EcsError {
    return new EcsError(
      403,
      "InvalidParameter.CopiedSnapshotsRetentionDays",
      "The specified CopiedSnapshotsRetentionDays is invalid.",
    );
  }

  static encryptedIllegal(): EcsError {
    return new EcsError(
      400,
      "InvalidParameter.EncryptedIllegal",
      "The specified parameter Encrypted must be true when kmsKeyId is not empty.",
    );
  }

  // Tags

  static duplicateTagKey(): EcsError {
    return new EcsError(400, "Duplicate.TagKey", "The Tag.N.Key contain duplicate key.");
  }

  static tagKeyMalformed(): EcsError {
    return new EcsError(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.");
  }

  static tagValueMalformed(): EcsError {
    return new EcsError(400, "InvalidTagValue.Malformed", "The specified Tag.n.Value is not valid.");
  }

  static tagCountExceeded(): EcsError {
    return new EcsError(400, "InvalidTagCount", "The specified tags are beyond the permitted range.");
  }

  static resourceTypeNotSupported(): EcsError {
    return new EcsError(
      400,
      "InvalidResourceType.NotSupported",
      "The specified ResourceType is not supported.",
    );
  }

  static resourceNotFound(): EcsError {
    return new EcsError(
      404,
      "InvalidResourceId.NotFound",
      "The specified ResourceIds are not found in our records.",
    );
  }

  // Policies and disks

  static quotaExceeded(): EcsError {
    return new EcsError(
      403,
      "AutoSnapshotPolicy.QuotaExceed",
      "The maximum number of automatic snapshot policy has been reached.",
    );
  }

  static policyTypeUnsupported(): EcsError {
    return new EcsError(
      403,
      "InvalidOperation.PolicyTypeUnsupported",
      "The current policy type does not support this operation. Only custom policies are permitted.",
    );
  }

  static policyNotFound(): EcsError {
    return new EcsError(404, "ParameterInvalid", "The specified automatic snapshot policy does not exist.");
  }

  static policyNotFoundInRegion(): EcsError {
    return new EcsError(
      404,
      "ParameterInvalid",
      "The specified automatic snapshot policy does not exist in the region.",
    );
  }

  static policyIdInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified AutoSnapshotPolicyId parameter is invalid.");
  }

  static diskIdsInvalid(): EcsError {
    return new EcsError(403, "ParameterInvalid", "The specified DiskIds are invalid.");
  }

  static diskIdsMalformed(): EcsError {
    return new EcsError(
      400,
      "InvalidDiskIds.Malformed",
      "The amount of specified disk Ids exceeds the limit.",
    );
  }

  static diskNotFound(): EcsError {
    return new EcsError(404, "InvalidDiskId.NotFound", "The specified disk does not exist in the region.");
  }

  static diskCategoryNotSupported(): EcsError {
    return new EcsError(
      400,
      "DiskCategory.OperationNotSupported",
      "The type of the specified disk does not support creating a snapshot.",
    );
  }

  static someDiskCategoriesNotSupported(): EcsError {
    return new EcsError(
      400,
      "PartofDiskCategory.OperationNotSupported",
      "The types of some disks in the disk list do not support creating snapshots.",
    );
  }

  static tooManyPoliciesToCancel(): EcsError {
    return new EcsError(
      403,
      "OperationDenied.TooManyAutoSnapshotPolicies",
      "The disk has more than one automatic snapshot policy. Specify the AutoSnapshotPolicyId to cancel.",
    );
  }

  // Chosen by ecs-local where the documents name no code (listed in the README)

  static policiesPerDiskExceeded(limit: number): EcsError {
    return new EcsError(
      403,
      "OperationDenied.TooManyAutoSnapshotPolicies",
      `The disk already carries the maximum number of automatic snapshot policies (${limit}).`,
    );
  }

  static associationTypeMismatch(): EcsError {
    return new EcsError(
      403,
      "OperationDenied.AssociationTypeMismatch",
      "The automatic snapshot policy is associated with instance tags: disks join and leave it through the tags of their instances.",
    );
  }

  static associationTypeInvalid(): EcsError {
    return new EcsError(
      400,
      "InvalidParameter.AssociationType",
      "The specified AssociationType is not valid: AssociatedWithDisk or AssociatedWithInstanceTag.",
    );
  }

  static associationTypeNotSupportedInRegion(): EcsError {
    return new EcsError(
      403,
      "OperationDenied.AssociationTypeNotSupportedInRegion",
      "AssociatedWithInstanceTag is not supported in the specified region.",
    );
  }

  static targetTagsNotAllowed(): EcsError {
    return new EcsError(
      400,
      "InvalidParameter.TargetTags",
      "TargetTags can be set only when AssociationType is AssociatedWithInstanceTag.",
    );
  }

  static targetTagCountExceeded(): EcsError {
    return new EcsError(
      400,
      "InvalidParameter.TargetTags",
      "The specified TargetTags are beyond the permitted range: at most 5.",
    );
  }

  static targetTagKeyMalformed(): EcsError {
    return new EcsError(400, "InvalidTagKey.Malformed", "The specified TargetTags.N.Key is not valid.");
  }

  static targetTagValueMalformed(): EcsError {
    return new EcsError(400, "InvalidTagValue.Malformed", "The specified TargetTags.N.Value is not valid.");
  }

  static policyOrDiskRequired(): EcsError {
    return new EcsError(400, "InvalidParameter", "Specify exactly one of AutoSnapshotPolicyId and DiskId.");
  }

  static malformedRequest(status: number, reason: string): EcsError {
    return new EcsError(status, "BadRequest", `The request could not be read: ${reason}.`);
  }

  static requestTimeout(): EcsError {
    return new EcsError(408, "RequestTimeout", "The request was not received in full in time.");
  }

  // Account and region states

  static notEnoughBalance(): EcsError {
    return new EcsError(
      403,
      "InvalidAccountStatus.NotEnoughBalance",
      "Your account does not have enough balance.",
    );
  }

  static snapshotServiceUnavailable(): EcsError {
    return new EcsError(
      403,
      "InvalidAccountStatus.SnapshotServiceUnavailable",
      "Snapshot service has not been opened yet.",
    );
  }

  static regionNotSupported(): EcsError {
    return new EcsError(
      403,
      "Abs.InvalidAction.RegionNotSupport",
      "This region does not support this action.",
    );
  }

  // Service-side failures (what fault rules answer with)

  static throttling(): EcsError {
    return new EcsError(400, "Throttling", "Request was denied due to request throttling.");
  }

  static serviceUnavailable(): EcsError {
    return new EcsError(
      503,
      "ServiceUnavailable",
      "The request has failed due to a temporary failure of the server.",
    );
  }

  static internalError(): EcsError {
    return new EcsError(500, "InternalError", "The request processing has failed due to some unknown error.");
  }

  /** The error a fault rule answers with: a known code keeps its documented status and message. */
  static forFault(code: string | undefined, status: number | undefined): EcsError {
    const known = code === undefined ? undefined : KNOWN_BY_CODE.get(code);
    if (known) return status === undefined ? known : new EcsError(status, known.code, known.message);
    if (code === undefined) {
      if (status === undefined || status === 400) return EcsError.throttling();
      if (status === 503) return EcsError.serviceUnavailable();
      if (status >= 500) return new EcsError(status, "InternalError", EcsError.internalError().message);
      return new EcsError(status, "Throttling", EcsError.throttling().message);
    }
    return new EcsError(status ?? 400, code, `The request was rejected with ${code}.`);
  }
}

const KNOWN_BY_CODE = new Map<string, EcsError>(
  [
    EcsError.throttling(),
    new EcsError(400, "Throttling.User", "Request was denied due to user flow control."),
    new EcsError(400, "Throttling.Api", "Request was denied due to api flow control."),
    EcsError.serviceUnavailable(),
    EcsError.internalError(),
    EcsError.notEnoughBalance(),
    EcsError.snapshotServiceUnavailable(),
    EcsError.regionNotSupported(),
    EcsError.quotaExceeded(),
    EcsError.policyTypeUnsupported(),
    EcsError.diskNotFound(),
    EcsError.diskCategoryNotSupported(),
    EcsError.someDiskCategoriesNotSupported(),
    EcsError.signatureDoesNotMatch(),
    EcsError.accessKeyNotFound(),
  ].map((error) => [error.code, error]),
);
