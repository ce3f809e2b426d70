/**
 * The chat components. Each comes as a wired component (reads the chat
 * hooks; goes under `<ChatProvider>`) and a presentational `…View` taking
 * plain props (stories, tests, custom data sources).
 */
export { ChatRoom, type ChatRoomProps } from './ChatRoom';
export { MessageList, MessageListView, type MessageListProps, type MessageListViewProps } from './MessageList';
export { Message, type MessageData, type MessageProps } from './Message';
export { MessageActions, type MessageActionsProps } from './MessageActions';
export { QUICK_REACTIONS, copyText, type MessageActionHandlers, type ReactionPickerProps } from './message-actions';
export { Menu, MenuContent, MenuItem, MenuTrigger, type MenuContentProps, type MenuItemProps, type MenuProps, type MenuTriggerProps } from './Menu';
export { Avatar, type AvatarProps } from './Avatar';
export { AVATAR_COLORS, avatarColor, initials } from './avatar-color';
export { ChatUsersContext, useChatUser, type ChatUser, type GetChatUser } from './users';
export { ListState, MessageSkeleton, HistoryError, type ListStateProps, type ListStateSlots } from './ListStates';
export { PresenceDrawer, type PresenceDrawerProps } from './PresenceDrawer';
export { MessageText, type MessageTextProps } from './MessageText';
export { Reactions, type ReactionsProps } from './Reactions';
export { Composer, ComposerView, composerBlock, lastOwnMessage, type ComposerProps, type ComposerViewProps } from './Composer';
export { RoomList, RoomListView, type RoomListItem, type RoomListProps, type RoomListViewProps } from './RoomList';
export { RoomListEntry, type RoomListEntryProps } from './RoomListEntry';
export { DirectMessageName, directMessageName } from './DirectMessageName';
export { ThreadPanel, ThreadPanelView, type ThreadPanelProps, type ThreadPanelViewProps } from './ThreadPanel';
export { ThreadSummary, type ThreadSummaryProps } from './ThreadSummary';
export { Attachments, type AttachmentsProps } from './Attachments';
export { safeAttachmentUrl, formatBytes, previewSize, PREVIEW_MAX } from './attachment-url';
export { UploadTray, type UploadTrayProps } from './UploadTray';
export { useUploads, type UploadItem } from './use-uploads';
export { AttachButton, type AttachButtonProps } from './AttachButton';
export { MentionList, type MentionListProps } from './MentionList';
export { mentionQuery, type MentionCandidate } from './use-mention-combobox';
export { mentionTokens, type MentionToken } from './mention-tokens';
export { ChatUploadContext } from './upload-context';
export { PresenceList, PresenceListView, type PresencePerson, type PresenceListProps, type PresenceListViewProps } from './PresenceList';
export { TypingIndicator, TypingIndicatorView, describeTyping, type TypingIndicatorProps, type TypingIndicatorViewProps } from './TypingIndicator';
export { ConnectionBanner, ConnectionBannerView, type ConnectionBannerProps, type ConnectionBannerViewProps } from './ConnectionBanner';
export { describeConnection, describeTransport, type BannerState, type BannerText } from './connection-text';
export { LiveAnnouncer, summarizeNew, type LiveAnnouncerProps } from './LiveAnnouncer';
export { ChatLocaleProvider, useChatFormat, type ChatLocaleProviderProps } from './locale';
export { createChatFormat, type ChatFormat, type ChatFormatOptions } from './format';
export { linkify, safeHref, SAFE_LINK_SCHEMES, type TextToken } from './linkify';
