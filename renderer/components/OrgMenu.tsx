/**
 * The top-left "Org, account, and device settings menu" with the org's name in it (seed step 2):
 * My Org, the account switcher, and Sign out.
 */
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { navigate } from '../router.js';
import { activeAccount } from '../stores/accounts.js';
import { useAccounts, useStores } from '../stores/index.js';
import { Icon } from './ui.js';

export const ORG_MENU_LABEL = 'Org, account, and device settings menu';

export function OrgMenu() {
  const stores = useStores();
  const accounts = useAccounts((s) => s.accounts);
  const active = useAccounts(activeAccount);
  if (!active) return null;

  const switchTo = async (accountId: string) => {
    const result = await stores.accounts.getState().switchTo(accountId);
    if (result.ok) {
      stores.resetOrg();
      navigate({ name: 'home' });
    }
  };
  const signOut = async () => {
    const result = await stores.accounts.getState().signOut(active.id);
    if (result.ok) {
      stores.resetOrg();
      navigate(result.value.activeAccountId ? { name: 'home' } : { name: 'signIn', adding: false });
    }
  };

  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="org-trigger" aria-label={`${ORG_MENU_LABEL}: ${active.orgName}`} title={ORG_MENU_LABEL}>
        <span className="org-avatar" aria-hidden="true">
          {initials(active.orgName)}
        </span>
        <span className="org-trigger-text">
          <span className="org-trigger-name">{active.orgName}</span>
          <span className="org-trigger-sub">{active.memberEmail}</span>
        </span>
        <Icon name="chevron-down" className="org-trigger-chevron" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">{active.orgName}</DropdownMenu.Label>
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ name: 'myOrg', tab: 'overview' })}>
            <Icon name="building" />
            My Org
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ name: 'invite' })}>
            <Icon name="mail" />
            Invite Users
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-sep" />
          <DropdownMenu.Label className="menu-label">Accounts on this device</DropdownMenu.Label>
          <DropdownMenu.RadioGroup value={active.id} onValueChange={(id) => void switchTo(id)}>
            {accounts.map((a) => (
              <DropdownMenu.RadioItem key={a.id} value={a.id} className="menu-item menu-account">
                <span className="org-avatar org-avatar-sm" aria-hidden="true">
                  {initials(a.orgName)}
                </span>
                <span className="menu-account-text">
                  <span>{a.orgName}</span>
                  <span className="menu-sub">
                    {a.memberEmail} · {a.backend.kind === 'bundled' ? 'this computer' : hostOf(a.backend.url)}
                  </span>
                </span>
                <DropdownMenu.ItemIndicator className="menu-check">
                  <Icon name="check" />
                </DropdownMenu.ItemIndicator>
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ name: 'signIn', adding: true })}>
            <Icon name="plus" />
            Add an org account…
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-sep" />
          <DropdownMenu.Item className="menu-item" onSelect={() => void signOut()}>
            <Icon name="logout" />
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
