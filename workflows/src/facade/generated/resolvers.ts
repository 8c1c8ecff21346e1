import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Operation as OperationModel, Context } from '../resolvers';
import type { OperationStep as OperationStepModel } from '../operations';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type Comment = {
  __typename?: 'Comment';
  id: Scalars['ID']['output'];
};

export type CommentPayload = {
  __typename?: 'CommentPayload';
  comment?: Maybe<Comment>;
  operation: Operation;
};

export type CreateProductInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  merchantId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  price: MoneyInput;
};

export type EditCommentInput = {
  body: Scalars['String']['input'];
  id: Scalars['ID']['input'];
};

export type Merchant = {
  __typename?: 'Merchant';
  id: Scalars['ID']['output'];
};

export type MerchantPayload = {
  __typename?: 'MerchantPayload';
  merchant?: Maybe<Merchant>;
  operation: Operation;
};

export type ModerateReviewInput = {
  decision: ModerationDecision;
  /** required for REJECT, 1..500 chars */
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewId: Scalars['ID']['input'];
};

export type ModerationDecision =
  | 'APPROVE'
  | 'REJECT';

export type MoneyInput = {
  amount: Scalars['Int']['input'];
  currency: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** The owner of merchantId only. */
  createProduct: ProductPayload;
  /** The author, a moderator or an admin: soft delete (body becomes "", deleted true). */
  deleteComment: CommentPayload;
  /** The comment's author only. */
  editComment: CommentPayload;
  /** MODERATOR/ADMIN. Returns as soon as the review is PUBLISHED or REJECTED; the rating follows in the same durable run. */
  moderateReview: ReviewPayload;
  /** A signed-in user. */
  postComment: CommentPayload;
  /** A signed-in user opens a store and becomes its owner (and a MERCHANT if a CUSTOMER). */
  registerMerchant: MerchantPayload;
  /** Anyone: creates a CUSTOMER. */
  registerUser: UserPayload;
  /** A signed-in user; one review per author per subject (a second is a CONFLICT). Starts PENDING. */
  submitReview: ReviewPayload;
  /** The caller's own profile. Returns once every cache that could serve the old username or avatar has been invalidated. */
  updateProfile: UserPayload;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationDeleteCommentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationEditCommentArgs = {
  input: EditCommentInput;
};


export type MutationModerateReviewArgs = {
  input: ModerateReviewInput;
};


export type MutationPostCommentArgs = {
  input: PostCommentInput;
};


export type MutationRegisterMerchantArgs = {
  input: RegisterMerchantInput;
};


export type MutationRegisterUserArgs = {
  input: RegisterUserInput;
};


export type MutationSubmitReviewArgs = {
  input: SubmitReviewInput;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

/** A mutation's durable run: one Temporal workflow. id is the workflow id. */
export type Operation = {
  __typename?: 'Operation';
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The scenario's name, e.g. "moderateReview" */
  scenario: Scalars['String']['output'];
  startedAt: Scalars['DateTime']['output'];
  status: OperationStatus;
  /** The scenario's steps in order, with their progress */
  steps: Array<OperationStep>;
  /** The run's OpenTelemetry trace id (W3C): the request that started it, the façade, the workflow and each activity with its SQL, in one trace (`npm run trace -- <traceId>` in the embedded stack, or the tracing backend). Null for a run started untraced. */
  traceId?: Maybe<Scalars['String']['output']>;
};

export type OperationStatus =
  /** failed after a step had taken effect, and that effect was undone */
  | 'COMPENSATED'
  | 'COMPLETED'
  | 'FAILED'
  | 'RUNNING';

export type OperationStep = {
  __typename?: 'OperationStep';
  /** The Temporal activity this step runs (its activity id in Temporal's UI is the step's name); null for a step that runs no activity (yet: PENDING, SKIPPED) */
  activity?: Maybe<Scalars['String']['output']>;
  attempts: Scalars['Int']['output'];
  /** The last error, while retrying or after failing */
  error?: Maybe<Scalars['String']['output']>;
  /** e.g. "publishReview", "updateProductRating" */
  name: Scalars['String']['output'];
  status: StepStatus;
};

export type PostCommentInput = {
  body: Scalars['String']['input'];
  /** a reply; the parent must have the same subject */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  subject: SubjectRef;
};

export type Product = {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
};

export type ProductPayload = {
  __typename?: 'ProductPayload';
  operation: Operation;
  product?: Maybe<Product>;
};

export type Query = {
  __typename?: 'Query';
  /** The caller's own operations; moderators and admins see all. */
  operation?: Maybe<Operation>;
};


export type QueryOperationArgs = {
  id: Scalars['ID']['input'];
};

export type RegisterMerchantInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};

export type RegisterUserInput = {
  avatarUrl?: InputMaybe<Scalars['String']['input']>;
  displayName?: InputMaybe<Scalars['String']['input']>;
  /** 8..128 chars */
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};

export type Review = {
  __typename?: 'Review';
  id: Scalars['ID']['output'];
};

export type ReviewPayload = {
  __typename?: 'ReviewPayload';
  operation: Operation;
  review?: Maybe<Review>;
};

export type StepStatus =
  | 'COMPENSATED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'SKIPPED';

export type SubjectRef = {
  id: Scalars['ID']['input'];
  type: SubjectType;
};

export type SubjectType =
  | 'MERCHANT'
  | 'PRODUCT'
  | 'REVIEW';

export type SubmitReviewInput = {
  body: Scalars['String']['input'];
  rating: Scalars['Int']['input'];
  /** PRODUCT or MERCHANT */
  subject: SubjectRef;
};

export type UpdateProfileInput = {
  avatarUrl?: InputMaybe<Scalars['String']['input']>;
  displayName?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
};

export type UserPayload = {
  __typename?: 'UserPayload';
  operation: Operation;
  user?: Maybe<User>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Comment: ResolverTypeWrapper<{ __typename: 'Comment' } & Pick<Comment, 'id'>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CommentPayload: ResolverTypeWrapper<Omit<CommentPayload, 'comment' | 'operation'> & { comment?: Maybe<ResolversTypes['Comment']>, operation: ResolversTypes['Operation'] }>;
  CreateProductInput: CreateProductInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  EditCommentInput: EditCommentInput;
  Merchant: ResolverTypeWrapper<{ __typename: 'Merchant' } & Pick<Merchant, 'id'>>;
  MerchantPayload: ResolverTypeWrapper<Omit<MerchantPayload, 'merchant' | 'operation'> & { merchant?: Maybe<ResolversTypes['Merchant']>, operation: ResolversTypes['Operation'] }>;
  ModerateReviewInput: ModerateReviewInput;
  ModerationDecision: ModerationDecision;
  MoneyInput: MoneyInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Operation: ResolverTypeWrapper<OperationModel>;
  OperationStatus: OperationStatus;
  OperationStep: ResolverTypeWrapper<OperationStepModel>;
  PostCommentInput: PostCommentInput;
  Product: ResolverTypeWrapper<{ __typename: 'Product' } & Pick<Product, 'id'>>;
  ProductPayload: ResolverTypeWrapper<Omit<ProductPayload, 'operation' | 'product'> & { operation: ResolversTypes['Operation'], product?: Maybe<ResolversTypes['Product']> }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterMerchantInput: RegisterMerchantInput;
  RegisterUserInput: RegisterUserInput;
  Review: ResolverTypeWrapper<{ __typename: 'Review' } & Pick<Review, 'id'>>;
  ReviewPayload: ResolverTypeWrapper<Omit<ReviewPayload, 'operation' | 'review'> & { operation: ResolversTypes['Operation'], review?: Maybe<ResolversTypes['Review']> }>;
  StepStatus: StepStatus;
  SubjectRef: SubjectRef;
  SubjectType: SubjectType;
  SubmitReviewInput: SubmitReviewInput;
  UpdateProfileInput: UpdateProfileInput;
  User: ResolverTypeWrapper<{ __typename: 'User' } & Pick<User, 'id'>>;
  UserPayload: ResolverTypeWrapper<Omit<UserPayload, 'operation' | 'user'> & { operation: ResolversTypes['Operation'], user?: Maybe<ResolversTypes['User']> }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Comment: { __typename: 'Comment' } & Pick<Comment, 'id'>;
  ID: Scalars['ID']['output'];
  CommentPayload: Omit<CommentPayload, 'comment' | 'operation'> & { comment?: Maybe<ResolversParentTypes['Comment']>, operation: ResolversParentTypes['Operation'] };
  CreateProductInput: CreateProductInput;
  String: Scalars['String']['output'];
  DateTime: Scalars['DateTime']['output'];
  EditCommentInput: EditCommentInput;
  Merchant: { __typename: 'Merchant' } & Pick<Merchant, 'id'>;
  MerchantPayload: Omit<MerchantPayload, 'merchant' | 'operation'> & { merchant?: Maybe<ResolversParentTypes['Merchant']>, operation: ResolversParentTypes['Operation'] };
  ModerateReviewInput: ModerateReviewInput;
  MoneyInput: MoneyInput;
  Int: Scalars['Int']['output'];
  Mutation: Record<PropertyKey, never>;
  Operation: OperationModel;
  OperationStep: OperationStepModel;
  PostCommentInput: PostCommentInput;
  Product: { __typename: 'Product' } & Pick<Product, 'id'>;
  ProductPayload: Omit<ProductPayload, 'operation' | 'product'> & { operation: ResolversParentTypes['Operation'], product?: Maybe<ResolversParentTypes['Product']> };
  Query: Record<PropertyKey, never>;
  RegisterMerchantInput: RegisterMerchantInput;
  RegisterUserInput: RegisterUserInput;
  Review: { __typename: 'Review' } & Pick<Review, 'id'>;
  ReviewPayload: Omit<ReviewPayload, 'operation' | 'review'> & { operation: ResolversParentTypes['Operation'], review?: Maybe<ResolversParentTypes['Review']> };
  SubjectRef: SubjectRef;
  SubmitReviewInput: SubmitReviewInput;
  UpdateProfileInput: UpdateProfileInput;
  User: { __typename: 'User' } & Pick<User, 'id'>;
  UserPayload: Omit<UserPayload, 'operation' | 'user'> & { operation: ResolversParentTypes['Operation'], user?: Maybe<ResolversParentTypes['User']> };
  Boolean: Scalars['Boolean']['output'];
};

export type CommentResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Comment'] = ResolversParentTypes['Comment']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type CommentPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CommentPayload'] = ResolversParentTypes['CommentPayload']> = {
  comment?: Resolver<Maybe<ResolversTypes['Comment']>, ParentType, ContextType>;
  operation?: Resolver<ResolversTypes['Operation'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MerchantResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Merchant'] = ResolversParentTypes['Merchant']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type MerchantPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MerchantPayload'] = ResolversParentTypes['MerchantPayload']> = {
  merchant?: Resolver<Maybe<ResolversTypes['Merchant']>, ParentType, ContextType>;
  operation?: Resolver<ResolversTypes['Operation'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createProduct?: Resolver<ResolversTypes['ProductPayload'], ParentType, ContextType, RequireFields<MutationCreateProductArgs, 'input'>>;
  deleteComment?: Resolver<ResolversTypes['CommentPayload'], ParentType, ContextType, RequireFields<MutationDeleteCommentArgs, 'id'>>;
  editComment?: Resolver<ResolversTypes['CommentPayload'], ParentType, ContextType, RequireFields<MutationEditCommentArgs, 'input'>>;
  moderateReview?: Resolver<ResolversTypes['ReviewPayload'], ParentType, ContextType, RequireFields<MutationModerateReviewArgs, 'input'>>;
  postComment?: Resolver<ResolversTypes['CommentPayload'], ParentType, ContextType, RequireFields<MutationPostCommentArgs, 'input'>>;
  registerMerchant?: Resolver<ResolversTypes['MerchantPayload'], ParentType, ContextType, RequireFields<MutationRegisterMerchantArgs, 'input'>>;
  registerUser?: Resolver<ResolversTypes['UserPayload'], ParentType, ContextType, RequireFields<MutationRegisterUserArgs, 'input'>>;
  submitReview?: Resolver<ResolversTypes['ReviewPayload'], ParentType, ContextType, RequireFields<MutationSubmitReviewArgs, 'input'>>;
  updateProfile?: Resolver<ResolversTypes['UserPayload'], ParentType, ContextType, RequireFields<MutationUpdateProfileArgs, 'input'>>;
};

export type OperationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Operation'] = ResolversParentTypes['Operation']> = {
  closedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  scenario?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OperationStatus'], ParentType, ContextType>;
  steps?: Resolver<Array<ResolversTypes['OperationStep']>, ParentType, ContextType>;
  traceId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type OperationStepResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OperationStep'] = ResolversParentTypes['OperationStep']> = {
  activity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['StepStatus'], ParentType, ContextType>;
};

export type ProductResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ProductPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ProductPayload'] = ResolversParentTypes['ProductPayload']> = {
  operation?: Resolver<ResolversTypes['Operation'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  operation?: Resolver<Maybe<ResolversTypes['Operation']>, ParentType, ContextType, RequireFields<QueryOperationArgs, 'id'>>;
};

export type ReviewResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Review'] = ResolversParentTypes['Review']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ReviewPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReviewPayload'] = ResolversParentTypes['ReviewPayload']> = {
  operation?: Resolver<ResolversTypes['Operation'], ParentType, ContextType>;
  review?: Resolver<Maybe<ResolversTypes['Review']>, ParentType, ContextType>;
};

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type UserPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UserPayload'] = ResolversParentTypes['UserPayload']> = {
  operation?: Resolver<ResolversTypes['Operation'], ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  Comment?: CommentResolvers<ContextType>;
  CommentPayload?: CommentPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Merchant?: MerchantResolvers<ContextType>;
  MerchantPayload?: MerchantPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Operation?: OperationResolvers<ContextType>;
  OperationStep?: OperationStepResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductPayload?: ProductPayloadResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Review?: ReviewResolvers<ContextType>;
  ReviewPayload?: ReviewPayloadResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserPayload?: UserPayloadResolvers<ContextType>;
};

