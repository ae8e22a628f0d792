/** What `login` asks for unless --scope says otherwise. */
export const DEFAULT_SCOPE = 'openid hubstaff:read hubstaff:write'
